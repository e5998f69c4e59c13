/**
 * The AI SDK 7 (`ai` 7), recorded through `@ai-sdk/otel`. The AI SDK 7 makes no spans itself: it
 * sends the lifecycle events of every call (start, steps, model calls, tool executions, end) to the
 * telemetry integrations registered globally (`registerTelemetry()`), and `@ai-sdk/otel`'s
 * `OpenTelemetry` integration turns them into GenAI spans through the tracer it is given. agentops
 * registers one such integration, built with its own tracer (`genAiTracer`): every AI SDK 7 call is
 * recorded in the session with no option on the call.
 *
 * The application need not import `@ai-sdk/otel`: when it is installed, `init()` registers the
 * integration at once, and it loads `@ai-sdk/otel` when the AI SDK first reads it, at the start of
 * the first call (so `init()` loads nothing, and an application that never calls the AI SDK never
 * loads it). Handing the module over (`init({ instrument: { aiSdk: otel } })`) builds it at once.
 *
 * What agentops registers forwards the events to that `OpenTelemetry` instance, with three changes:
 * - only the AI SDK 7's events (they carry `aiVersion`): the AI SDK 6 reads the same global list
 *   and would send its own, differently shaped events to every integration in it;
 * - with content capture off, `recordInputs` / `recordOutputs` are off, so no prompt or output is
 *   even serialised;
 * - a provider call runs with the context marked as inside a recorded model call, so an
 *   instrumented OpenAI or Anthropic client it uses records no second LLM span.
 * Before `init()` and after `shutdown()` it forwards nothing; `shutdown()` takes it out of the list.
 */
import { context as otelContext, trace } from '@opentelemetry/api';
import { activeHost, type InstrumentationHost } from '../host';
import type { Integration, TargetKind } from '../integration';
import { majorOf } from '../locate';
import { isRecord } from '../shared/llm-adapter';
import type { AnyFunction } from '../shared/patch';
import { SUPPRESS_LLM_SPAN_KEY } from '../shared/suppress';
import { SPAN_TYPE_KEY } from './mapping';
import { AiSdkSpan } from './span';
import { genAiTracer } from './telemetry';

const NAME = 'aiSdk';

/** The AI SDK's global list of telemetry integrations (what its `registerTelemetry()` appends to). */
const REGISTRY = 'AI_SDK_TELEMETRY_INTEGRATIONS';

type OtelClass = new (options: Record<string, unknown>) => object;

/** The `@ai-sdk/otel` instance agentops built, once loaded. */
let instance: object | undefined;
/** Its callbacks and wrappers as the AI SDK reads them (see `forwarder`). */
let forwards: Record<string, AnyFunction> | undefined;
/** Loads `@ai-sdk/otel` (which builds `instance`), until it was called. */
let loader: (() => unknown) | undefined;
/** What agentops put in the AI SDK's list. */
let entry: object | undefined;

/** The `OpenTelemetry` class of an `@ai-sdk/otel` module (namespace or CommonJS exports), or the class itself. */
function otelClass(v: unknown): OtelClass | undefined {
  const c = typeof v === 'function' ? v : isRecord(v) ? v.OpenTelemetry : undefined;
  if (typeof c !== 'function') return undefined;
  const proto = (c as { prototype?: Record<string, unknown> }).prototype;
  return typeof proto?.onLanguageModelCallStart === 'function' && typeof proto.executeLanguageModelCall === 'function' ? (c as OtelClass) : undefined;
}

/** Whether a telemetry event comes from the AI SDK 7 or newer (they carry the AI SDK's version). */
function fromAiSdk7(event: unknown): event is Record<string, unknown> {
  if (!isRecord(event) || typeof event.aiVersion !== 'string') return false;
  const major = majorOf(event.aiVersion);
  return major !== undefined && major >= 7;
}

/** The event as `@ai-sdk/otel` should see it: with content capture off, it records no input or output. */
function withPolicy(event: Record<string, unknown>, capture: boolean): Record<string, unknown> {
  if (capture || (event.recordInputs === false && event.recordOutputs === false)) return event;
  // The AI SDK's events are objects of its own classes at times: keep the prototype.
  return Object.assign(Object.create(Object.getPrototypeOf(event) as object | null) as Record<string, unknown>, event, { recordInputs: false, recordOutputs: false });
}

/** Runs a provider call; inside a model call that agentops records, marked so that no client records it again. */
function insideModelCall(execute: () => unknown): unknown {
  const host = activeHost();
  if (host === undefined) return execute();
  let ctx;
  try {
    const active = host.contextAccess.active();
    // `@ai-sdk/otel` made its model call span active through the global context API.
    const span = trace.getSpan(active) ?? trace.getSpan(otelContext.active());
    if (!(span instanceof AiSdkSpan) || !span.isModelCall()) return execute();
    ctx = (trace.getSpan(active) === span ? active : trace.setSpan(active, span)).setValue(SUPPRESS_LLM_SPAN_KEY, true);
  } catch {
    return execute();
  }
  return host.contextAccess.with(ctx, execute);
}

/**
 * An `@ai-sdk/otel` integration the application registered itself records every call too, through
 * the global tracer provider (agentops', when it registered one): reported once.
 */
function warnIfDoubled(host: InstrumentationHost): void {
  const list = (globalThis as Record<string, unknown>)[REGISTRY];
  if (!Array.isArray(list) || list.length < 2) return;
  for (const other of list) {
    const name = other === entry || !isRecord(other) ? undefined : (other.constructor as { name?: unknown } | undefined)?.name;
    if (name === 'OpenTelemetry' || name === 'LegacyOpenTelemetry') {
      host.logger.once(
        'ai-sdk:doubled',
        'warn',
        `an @ai-sdk/otel ${name} integration registered with registerTelemetry() records each AI SDK call besides the one agentops registers: remove it (agentops records the AI SDK 7 by itself), or each call may be recorded twice`,
      );
      return;
    }
  }
}

// The AI SDK reads an integration's `on*` callbacks and `execute*` wrappers.
const FORWARDED = /^(on[A-Z]|experimental_on[A-Z]|execute[A-Z])/;

/** The callbacks and wrappers of `target`, forwarding what the AI SDK 7 sends (see the file comment). */
function forwarder(target: object): Record<string, AnyFunction> {
  const methods = target as Record<string, AnyFunction>;
  const out: Record<string, AnyFunction> = {};
  for (let o: object | null = target; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (!FORWARDED.test(key) || key in out || typeof methods[key] !== 'function') continue;
      if (key.startsWith('execute')) {
        const language = key === 'executeLanguageModelCall';
        // Wrappers around the user's model call or tool: they call `execute` exactly once.
        out[key] = function (event: unknown): unknown {
          if (!isRecord(event) || typeof event.execute !== 'function') return undefined;
          const execute = event.execute as () => unknown;
          if (!fromAiSdk7(event) || activeHost() === undefined) return execute();
          return methods[key]!.call(target, language ? { ...event, execute: () => insideModelCall(execute) } : event);
        };
      } else {
        const starts = key === 'onStart';
        out[key] = function (event: unknown, ...rest: unknown[]): unknown {
          const host = activeHost();
          if (host === undefined || !fromAiSdk7(event)) return undefined;
          if (starts) warnIfDoubled(host);
          return methods[key]!.call(target, withPolicy(event, host.recorder.policy.capture), ...rest);
        };
      }
    }
  }
  return out;
}

/** The forwarded callbacks; loads `@ai-sdk/otel` the first time they are asked for, if it is not yet. */
function callbacks(): Record<string, AnyFunction> | undefined {
  if (forwards !== undefined) return forwards;
  if (instance === undefined && loader !== undefined) {
    const load = loader;
    loader = undefined;
    try {
      load();
    } catch {
      // Reported by the loader; the AI SDK goes on unrecorded.
    }
  }
  if (instance !== undefined) forwards = forwarder(instance);
  return forwards;
}

/**
 * What agentops puts in the AI SDK's list: an object whose callbacks are read when the AI SDK starts
 * a call (it reads each by name), which is when `@ai-sdk/otel` is first needed.
 */
function register(): void {
  if (entry !== undefined) return;
  entry = new Proxy(Object.create(null) as object, {
    get: (_target, key) => (typeof key === 'string' && FORWARDED.test(key) ? callbacks()?.[key] : undefined),
  });
  const g = globalThis as Record<string, unknown>;
  const list = Array.isArray(g[REGISTRY]) ? (g[REGISTRY] as unknown[]) : (g[REGISTRY] = []);
  list.push(entry);
}

function build(cls: OtelClass): number {
  if (instance !== undefined) return 0;
  instance = new cls({
    tracer: genAiTracer,
    // `invoke_agent {functionId}` when the call names its function, as agentops names its agent spans.
    agentSpanName: 'functionId',
    // Tells agentops' tracer what each span is for (a model call, a tool, the call around them).
    enrichSpan: ({ spanType }: { spanType: string }) => ({ [SPAN_TYPE_KEY]: spanType }),
  });
  forwards = undefined;
  register();
  return 1;
}

export const aiSdkIntegration: Integration = {
  name: NAME,
  label: 'AI SDK',
  packageName: '@ai-sdk/otel',
  // @ai-sdk/otel 1 is the AI SDK 7's.
  testedMajors: [1, 1],
  recordsFor: { packageName: 'ai', fromMajor: 7 },
  accepts: "the @ai-sdk/otel module (import * as otel from '@ai-sdk/otel') or its OpenTelemetry class",
  recognise(value: unknown): TargetKind | undefined {
    try {
      return otelClass(value) === undefined ? undefined : 'module';
    } catch {
      return undefined;
    }
  },
  patch(value: unknown): number {
    const cls = otelClass(value);
    return cls === undefined ? 0 : build(cls);
  },
  whenInstalled(load: () => unknown): void {
    if (instance !== undefined) return;
    loader = load;
    register();
  },
  unpatch(): void {
    const list = (globalThis as Record<string, unknown>)[REGISTRY];
    if (Array.isArray(list) && entry !== undefined) {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    }
    entry = undefined;
    instance = undefined;
    forwards = undefined;
    loader = undefined;
  },
};
