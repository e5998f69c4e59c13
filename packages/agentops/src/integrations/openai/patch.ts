/**
 * OpenAI client instrumentation (`openai` v4 to v7): `chat.completions.create`, `responses.create`
 * and `embeddings.create`, patched on the resource classes the client instances use
 * (`OpenAI.Chat.Completions.prototype`, ...) or on one client instance. The helpers built on
 * these (`parse`, `stream`, `runTools`, `responses.stream`) go through `create` and are covered.
 */
import { LLMEvent } from '../../events/llm-event';
import { traceClientCall } from '../shared/client-call';
import { activeHost } from '../host';
import { isRecord, type LLMAdapter } from '../shared/llm-adapter';
import { chatAdapter, embeddingsAdapter, openAIRequestEvent, responsesAdapter, type OpenAIOperation } from './mapping';
import type { Integration, TargetKind } from '../integration';
import { patchMethod, unpatchAll, type AnyFunction } from '../shared/patch';
import { isLLMSpanSuppressed } from '../shared/suppress';

const NAME = 'openai';

const ADAPTERS: Record<OpenAIOperation, LLMAdapter> = { chat: chatAdapter, responses: responsesAdapter, embeddings: embeddingsAdapter };

function wrapCreate(op: OpenAIOperation): (original: AnyFunction) => AnyFunction {
  const adapter = ADAPTERS[op];
  return (original) =>
    function (this: unknown, body: unknown, options?: unknown): unknown {
      const host = activeHost();
      // create(body, options) is the documented signature; anything else goes through untouched.
      if (host === undefined || !isRecord(body) || arguments.length > 2) return Reflect.apply(original, this, arguments);
      const active = host.contextAccess.active();
      if (isLLMSpanSuppressed(active)) return original.call(this, body, options);
      const self = this;
      let event: LLMEvent;
      try {
        event = new LLMEvent(openAIRequestEvent(op, body));
      } catch {
        return original.call(this, body, options);
      }
      return traceClientCall(host, adapter, event, op !== 'embeddings' && body.stream === true, active, () => original.call(self, body, options));
    };
}

const RESOURCES: ReadonlyArray<readonly [OpenAIOperation, (c: Record<string, unknown>) => unknown]> = [
  ['chat', (c) => (c.Chat as Record<string, unknown> | undefined)?.Completions],
  ['responses', (c) => c.Responses],
  ['embeddings', (c) => c.Embeddings],
];

/**
 * The OpenAI class, or undefined. Accepts the class itself or its module: a namespace, or the
 * CommonJS `module.exports`, which is a factory function carrying `default` and `OpenAI`.
 */
function openAIClass(v: unknown, depth = 0): Record<string, unknown> | undefined {
  if (typeof v === 'function') {
    const c = v as unknown as Record<string, unknown>;
    if (typeof c.Chat === 'function' || isRecord(c.Chat)) return c;
  } else if (!isRecord(v) || looksLikeOpenAIClient(v)) return undefined;
  if (depth > 1) return undefined;
  const m = v as Record<string, unknown>;
  return openAIClass(m.OpenAI, depth + 1) ?? openAIClass(m.default, depth + 1);
}

function looksLikeOpenAIClient(v: unknown): boolean {
  if (!isRecord(v) || typeof v === 'function') return false;
  const chat = v.chat;
  return isRecord(chat) && isRecord(chat.completions) && typeof chat.completions.create === 'function';
}

/** Patches the resource prototypes of an OpenAI class. Returns how many methods were newly patched. */
function patchOpenAIClass(cls: Record<string, unknown>): number {
  let n = 0;
  for (const [op, get] of RESOURCES) {
    const resource = get(cls);
    const proto = typeof resource === 'function' ? (resource.prototype as object | undefined) : undefined;
    if (proto !== undefined && patchMethod(NAME, proto, 'create', wrapCreate(op))) n++;
  }
  return n;
}

/** Patches one client instance: its resource objects get their own `create`. */
function patchOpenAIClient(client: Record<string, unknown>): number {
  const chat = client.chat as Record<string, unknown> | undefined;
  const targets: ReadonlyArray<readonly [OpenAIOperation, unknown]> = [
    ['chat', chat?.completions],
    ['responses', client.responses],
    ['embeddings', client.embeddings],
  ];
  let n = 0;
  for (const [op, resource] of targets) if (isRecord(resource) && patchMethod(NAME, resource, 'create', wrapCreate(op))) n++;
  return n;
}

export const openAIIntegration: Integration = {
  name: NAME,
  label: 'OpenAI',
  testedMajors: [4, 7],
  packageName: 'openai',
  accepts: "the OpenAI class (import OpenAI from 'openai'), its module, or an OpenAI client instance",
  recognise(value: unknown): TargetKind | undefined {
    try {
      if (looksLikeOpenAIClient(value)) return 'instance';
      if (openAIClass(value) !== undefined) return 'module';
    } catch {
      // A hostile object (throwing getters) is simply not a target.
    }
    return undefined;
  },
  patch(value: unknown, kind: TargetKind): number {
    if (kind === 'instance') return patchOpenAIClient(value as Record<string, unknown>);
    const cls = openAIClass(value);
    return cls === undefined ? 0 : patchOpenAIClass(cls);
  },
  unpatch(): void {
    unpatchAll(NAME);
  },
};
