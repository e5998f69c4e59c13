/**
 * Anthropic client instrumentation (`@anthropic-ai/sdk`): `messages.create` (plain and streamed)
 * and `messages.stream`, patched on `Anthropic.Messages.prototype` or on one client instance.
 * `messages.stream()` and `messages.parse()` call `create`, so each call is one span, recorded by
 * `create`; the `MessageStream` reads the raw event stream that `create` returns, and the span ends
 * when it stops reading (finished, `abort()`ed or failed).
 *
 * Recent SDK versions trace their own calls with OpenTelemetry (`anthropic.messages.create` spans
 * through the global provider, which may be agentops'). So that a call is not recorded twice, a
 * call that agentops records hands the SDK a non-recording stand-in for its call span (`__span`, the
 * request option its own helpers use to share one span): the SDK records nothing more and still
 * propagates the trace context, now that of agentops' span.
 */
import { trace, INVALID_SPAN_CONTEXT, type Span } from '@opentelemetry/api';
import { LLMEvent } from '../../events/llm-event';
import { messagesAdapter, anthropicRequestEvent } from './mapping';
import { traceClientCall } from '../shared/client-call';
import { activeHost } from '../host';
import { isRecord } from '../shared/llm-adapter';
import type { Integration, TargetKind } from '../integration';
import { patchMethod, unpatchAll, type AnyFunction } from '../shared/patch';
import { isLLMSpanSuppressed } from '../shared/suppress';

const NAME = 'anthropic';

/** The SDK's call-span record, as its helpers pass it in `__span`. */
interface CallSpanStandIn {
  span: Span;
  name: string;
  startTime: number;
}

// Stand-ins this package made; a `__span` that is not one of them is the SDK's own helper span.
const standIns = new WeakSet<object>();

function newStandIn(): CallSpanStandIn {
  const s: CallSpanStandIn = { span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT), name: 'anthropic.messages.create', startTime: Date.now() };
  standIns.add(s);
  return s;
}

/** Whether the resource's client traces its calls itself (`client._tracer` is set when its OpenTelemetry tracing is on). */
function nativeTracing(resource: unknown): boolean {
  try {
    const client = (resource as { _client?: { _tracer?: unknown } } | null)?._client;
    return client !== undefined && client !== null && client._tracer !== undefined && client._tracer !== null;
  } catch {
    return false;
  }
}

function wrapCreate(original: AnyFunction): AnyFunction {
  return function (this: unknown, body: unknown, options?: unknown): unknown {
    const host = activeHost();
    if (host === undefined || !isRecord(body)) return Reflect.apply(original, this, arguments);
    const active = host.contextAccess.active();
    if (isLLMSpanSuppressed(active)) return Reflect.apply(original, this, arguments);
    const given = isRecord(options) ? options.__span : undefined;
    // The SDK's own helper already traces this call: one span is enough.
    if (given !== undefined && given !== null && !(isRecord(given) && standIns.has(given))) return Reflect.apply(original, this, arguments);
    const self = this;
    const args = Array.prototype.slice.call(arguments) as unknown[];
    let event: LLMEvent;
    let standIn: CallSpanStandIn | undefined;
    try {
      event = new LLMEvent(anthropicRequestEvent(body));
      if (given !== undefined) standIn = given as unknown as CallSpanStandIn;
      else if (nativeTracing(this)) {
        standIn = newStandIn();
        args[1] = { ...(isRecord(options) ? options : {}), __span: standIn };
      }
    } catch {
      return Reflect.apply(original, this, arguments);
    }
    return traceClientCall(host, messagesAdapter, event, body.stream === true, active, (span) => {
      // Trace headers the SDK sends now carry agentops' span.
      if (standIn !== undefined && span !== undefined) standIn.span = trace.wrapSpanContext(span.spanContext());
      return Reflect.apply(original, self, args);
    });
  };
}

function wrapStream(original: AnyFunction): AnyFunction {
  return function (this: unknown, body: unknown, options?: unknown): unknown {
    // Only needed to keep the SDK's MessageStream from starting its own span: `create` records the call.
    if (activeHost() === undefined || !nativeTracing(this) || (isRecord(options) && options.__span !== undefined)) {
      return Reflect.apply(original, this, arguments);
    }
    const args = Array.prototype.slice.call(arguments) as unknown[];
    args[1] = { ...(isRecord(options) ? options : {}), __span: newStandIn() };
    return Reflect.apply(original, this, args);
  };
}

/** The Anthropic class, or undefined. Accepts the class itself or its module (namespace or CommonJS `module.exports`). */
function anthropicClass(v: unknown, depth = 0): Record<string, unknown> | undefined {
  if (typeof v === 'function') {
    const c = v as unknown as Record<string, unknown>;
    const messages = c.Messages;
    if (typeof messages === 'function' && typeof (messages.prototype as { create?: unknown } | undefined)?.create === 'function') return c;
  } else if (!isRecord(v) || looksLikeAnthropicClient(v)) return undefined;
  if (depth > 1) return undefined;
  const m = v as Record<string, unknown>;
  return anthropicClass(m.Anthropic, depth + 1) ?? anthropicClass(m.default, depth + 1);
}

function looksLikeAnthropicClient(v: unknown): boolean {
  if (!isRecord(v) || typeof v === 'function') return false;
  const m = v.messages;
  return isRecord(m) && typeof m.create === 'function' && !isRecord(v.chat);
}

function patchAnthropicClass(cls: Record<string, unknown>): number {
  const proto = (cls.Messages as { prototype?: object } | undefined)?.prototype;
  if (proto === undefined) return 0;
  return Number(patchMethod(NAME, proto, 'create', wrapCreate)) + Number(patchMethod(NAME, proto, 'stream', wrapStream));
}

function patchAnthropicClient(client: Record<string, unknown>): number {
  const m = client.messages;
  if (!isRecord(m)) return 0;
  return Number(patchMethod(NAME, m, 'create', wrapCreate)) + Number(patchMethod(NAME, m, 'stream', wrapStream));
}

export const anthropicIntegration: Integration = {
  name: NAME,
  label: 'Anthropic',
  testedMajors: [0, 1],
  packageName: '@anthropic-ai/sdk',
  accepts: "the Anthropic class (import Anthropic from '@anthropic-ai/sdk'), its module, or an Anthropic client instance",
  recognise(value: unknown): TargetKind | undefined {
    try {
      if (looksLikeAnthropicClient(value)) return 'instance';
      if (anthropicClass(value) !== undefined) return 'module';
    } catch {
      // A hostile object (throwing getters) is simply not a target.
    }
    return undefined;
  },
  patch(value: unknown, kind: TargetKind): number {
    if (kind === 'instance') return patchAnthropicClient(value as Record<string, unknown>);
    const cls = anthropicClass(value);
    return cls === undefined ? 0 : patchAnthropicClass(cls);
  },
  unpatch(): void {
    unpatchAll(NAME);
  },
};
