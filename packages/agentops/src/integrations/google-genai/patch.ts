/**
 * Google GenAI client instrumentation (`@google/genai` v1 to v3). The client's public methods
 * (`ai.models.generateContent`, `generateContentStream`, `embedContent`) are arrow functions each
 * client makes for itself, so they are out of reach of a class patch; what they all call is on
 * `Models.prototype`: `generateContentInternal`, `generateContentStreamInternal` and
 * `embedContentInternal` (`embedContent` itself in early 1.x releases), one HTTP request to the
 * model each. Those are patched, so:
 *
 * - a chat (`ai.chats.create(...).sendMessage` / `sendMessageStream`) goes through
 *   `models.generateContent*` and is recorded there, once per message;
 * - each model call that one `generateContent` makes (automatic function calling, continuation
 *   hops) is a span of its own, with its own usage, as it is billed.
 *
 * A streamed call resolves to an async generator; it is watched in place (the user iterates the
 * very same object) and the span ends when the user stops reading: finished, broken out of, or
 * failed.
 */
import { LLMEvent } from '../../events/llm-event';
import { activeHost } from '../host';
import type { Integration, TargetKind } from '../integration';
import { traceClientCall } from '../shared/client-call';
import { isRecord, type LLMAdapter } from '../shared/llm-adapter';
import { patchMethod, unpatchAll, type AnyFunction } from '../shared/patch';
import { isLLMSpanSuppressed } from '../shared/suppress';
import { embedContentAdapter, genAIRequestEvent, generateContentAdapter, type GenAIOperation, type GooglePlatform } from './mapping';

const NAME = 'googleGenAI';

interface Target {
  op: GenAIOperation;
  streamed: boolean;
  adapter: LLMAdapter;
}

const GENERATE: Target = { op: 'chat', streamed: false, adapter: generateContentAdapter };
const STREAM: Target = { op: 'chat', streamed: true, adapter: generateContentAdapter };
const EMBED: Target = { op: 'embeddings', streamed: false, adapter: embedContentAdapter };

/** Which platform the `Models` instance talks to: its API client knows. */
function platformOf(models: unknown): GooglePlatform {
  try {
    const client = (models as { apiClient?: { isVertexAI?: unknown } } | null)?.apiClient;
    if (client === undefined || client === null || typeof client.isVertexAI !== 'function') return 'gcp.gen_ai';
    return (client.isVertexAI as () => unknown).call(client) === true ? 'gcp.vertex_ai' : 'gcp.gemini';
  } catch {
    return 'gcp.gen_ai';
  }
}

function wrapCall(target: Target): (original: AnyFunction) => AnyFunction {
  return (original) =>
    function (this: unknown, params: unknown): unknown {
      const host = activeHost();
      if (host === undefined || !isRecord(params)) return Reflect.apply(original, this, arguments);
      const active = host.contextAccess.active();
      if (isLLMSpanSuppressed(active)) return Reflect.apply(original, this, arguments);
      const self = this;
      const args = arguments;
      let event: LLMEvent;
      try {
        event = new LLMEvent(genAIRequestEvent(target.op, params, platformOf(this), target.streamed, host.recorder.policy.capture));
      } catch {
        return Reflect.apply(original, this, arguments);
      }
      return traceClientCall(host, target.adapter, event, target.streamed, active, () => Reflect.apply(original, self, args));
    };
}

/** The method names on a `Models` prototype or instance, and what each records. */
function methodsOf(models: Record<string, unknown>): Array<readonly [string, Target]> {
  const out: Array<readonly [string, Target]> = [
    ['generateContentInternal', GENERATE],
    ['generateContentStreamInternal', STREAM],
  ];
  // Before `embedContentInternal` existed, `embedContent` itself was the prototype method making the request.
  if (typeof models.embedContentInternal === 'function') out.push(['embedContentInternal', EMBED]);
  else if (typeof models.embedContent === 'function') out.push(['embedContent', EMBED]);
  return out;
}

function looksLikeModels(v: unknown): boolean {
  return isRecord(v) && typeof v.generateContentInternal === 'function' && typeof v.generateContentStreamInternal === 'function';
}

/** The `Models` class, from itself or the module (ES namespace or CommonJS exports) that exports it. */
function modelsClass(v: unknown): { prototype: Record<string, unknown> } | undefined {
  if (typeof v === 'function') {
    const proto = (v as { prototype?: unknown }).prototype;
    return looksLikeModels(proto) ? (v as { prototype: Record<string, unknown> }) : undefined;
  }
  if (!isRecord(v) || looksLikeClient(v) || looksLikeModels(v)) return undefined;
  const m = v.Models;
  return typeof m === 'function' && looksLikeModels((m as { prototype?: unknown }).prototype) ? (m as { prototype: Record<string, unknown> }) : undefined;
}

/** A `GoogleGenAI` client (its `models`), or a `Models` instance itself. */
function clientModels(v: unknown): Record<string, unknown> | undefined {
  if (!isRecord(v) || typeof v === 'function') return undefined;
  if (looksLikeModels(v)) return v as Record<string, unknown>;
  return looksLikeClient(v) ? (v.models as Record<string, unknown>) : undefined;
}

function looksLikeClient(v: Record<string, unknown>): boolean {
  return looksLikeModels(v.models) && isRecord(v.chats);
}

function patchAll(target: Record<string, unknown>): number {
  let n = 0;
  for (const [key, t] of methodsOf(target)) if (patchMethod(NAME, target, key, wrapCall(t))) n++;
  return n;
}

export const googleGenAIIntegration: Integration = {
  name: NAME,
  label: 'Google GenAI',
  testedMajors: [1, 3],
  packageName: '@google/genai',
  accepts: "the @google/genai module (import * as genai from '@google/genai'), its Models class, or a GoogleGenAI client instance",
  recognise(value: unknown): TargetKind | undefined {
    try {
      if (clientModels(value) !== undefined) return 'instance';
      if (modelsClass(value) !== undefined) return 'module';
    } catch {
      // A hostile object (throwing getters) is simply not a target.
    }
    return undefined;
  },
  patch(value: unknown, kind: TargetKind): number {
    if (kind === 'instance') {
      const models = clientModels(value);
      return models === undefined ? 0 : patchAll(models);
    }
    const cls = modelsClass(value);
    return cls === undefined ? 0 : patchAll(cls.prototype);
  },
  unpatch(): void {
    unpatchAll(NAME);
  },
};
