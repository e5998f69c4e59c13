/**
 * OpenAI Agents SDK instrumentation (`@openai/agents`, or `@openai/agents-core` with
 * `@openai/agents-openai`): agentops registers one trace processor with the SDK's global trace
 * provider (`addTraceProcessor`), next to whatever the user configured, so the SDK's export to
 * OpenAI stays as it was. A later `setTraceProcessors([...])` by the user replaces their list and
 * keeps ours. The OpenAI model classes' calls are wrapped (model-call.ts) so each model call is
 * one `chat` span with usage, under its agent.
 */
import type { Integration, TargetKind } from '../integration';
import { isRecord } from '../shared/llm-adapter';
import { patchMethod, unpatchAll, type AnyFunction } from '../shared/patch';
import { wrapGetResponse, wrapGetStreamedResponse, type CurrentSpan } from './model-call';
import { AgentsTraceProcessor } from './processor';

const NAME = 'openaiAgents';
const MODEL_CLASSES = ['OpenAIResponsesModel', 'OpenAIChatCompletionsModel'];

/** One processor for the process: the SDK's trace provider is global too. */
export const agentsProcessor = new AgentsTraceProcessor();

interface TraceProvider {
  registerProcessor(p: unknown): void;
  setProcessors(list: unknown[]): void;
}

function isModule(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v.getGlobalTraceProvider === 'function' && typeof v.getCurrentSpan === 'function';
}

function hasModels(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && MODEL_CLASSES.some((k) => typeof v[k] === 'function');
}

function provider(mod: Record<string, unknown>): TraceProvider | undefined {
  const p = (mod.getGlobalTraceProvider as () => unknown)();
  return isRecord(p) && typeof p.registerProcessor === 'function' && typeof p.setProcessors === 'function' ? (p as unknown as TraceProvider) : undefined;
}

// Providers (one per copy of the SDK in the process, usually one) that have our processor.
const registered = new WeakSet<object>();

function register(mod: Record<string, unknown>): number {
  const p = provider(mod);
  if (p === undefined) return 0;
  // The user's setTraceProcessors([...]) replaces their processors; ours stays in the list (inert
  // after shutdown), and this patch is never undone, so that a later init() finds it registered.
  const keep = (original: AnyFunction): AnyFunction =>
    function setProcessors(this: unknown, list: unknown, ...rest: unknown[]): unknown {
      const next = Array.isArray(list) && !list.includes(agentsProcessor) ? [...(list as unknown[]), agentsProcessor] : list;
      return original.call(this, next, ...rest);
    };
  const patched = Number(patchMethod(`${NAME}:provider`, p, 'setProcessors', keep));
  if (registered.has(p)) return patched;
  registered.add(p);
  p.registerProcessor(agentsProcessor);
  return patched + 1;
}

let currentSpan: CurrentSpan | undefined;

function patchModels(mod: Record<string, unknown>): number {
  // Until a core module is seen (an agents-openai module handed over alone), no current span: calls land in the session.
  const getCurrent: CurrentSpan = () => (currentSpan === undefined ? undefined : currentSpan());
  let n = 0;
  for (const key of MODEL_CLASSES) {
    const cls = mod[key];
    const proto = typeof cls === 'function' ? (cls as { prototype?: unknown }).prototype : undefined;
    if (!isRecord(proto)) continue;
    n += Number(patchMethod(NAME, proto, 'getResponse', wrapGetResponse(agentsProcessor, getCurrent)));
    n += Number(patchMethod(NAME, proto, 'getStreamedResponse', wrapGetStreamedResponse(agentsProcessor, getCurrent)));
  }
  return n;
}

export const openAIAgentsIntegration: Integration = {
  name: NAME,
  label: 'OpenAI Agents',
  // 0.x is the only major; tested on 0.20.
  testedMajors: [0, 0],
  packageName: '@openai/agents',
  accepts: "the OpenAI Agents SDK module (import * as agents from '@openai/agents'), or @openai/agents-core and @openai/agents-openai",
  recognise(value: unknown): TargetKind | undefined {
    try {
      if (isModule(value) || hasModels(value)) return 'module';
    } catch {
      // A hostile object (throwing getters) is simply not a target.
    }
    return undefined;
  },
  patch(value: unknown): number {
    agentsProcessor.active = true;
    let n = 0;
    if (isModule(value)) {
      currentSpan ??= value.getCurrentSpan as CurrentSpan;
      n += register(value);
    }
    if (hasModels(value)) n += patchModels(value);
    return n;
  },
  unpatch(): void {
    // The SDK cannot remove one processor: ours stays registered, inert, and ends what it had open.
    agentsProcessor.active = false;
    agentsProcessor.abandon();
    unpatchAll(NAME);
  },
};
