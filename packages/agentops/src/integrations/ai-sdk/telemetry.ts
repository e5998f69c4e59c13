/**
 * Vercel AI SDK (`ai`) telemetry through agentops. The AI SDK 5 and 6 emit their own spans when
 * given `experimental_telemetry: { isEnabled: true, tracer }`; `aiSdkTelemetry()` returns those
 * settings with a tracer that:
 *
 * - starts every AI SDK span through the agentops provider, under the active session (the same
 *   parent rule as an instrumented client call);
 * - keeps the AI SDK's span names (`ai.generateText`, `ai.generateText.doGenerate`, `ai.toolCall`,
 *   ...) and `ai.*` attributes, which its users' dashboards rely on, and adds the GenAI attributes
 *   agentops reads: the model calls (`*.doGenerate`, `*.doStream`, `*.doEmbed`) become CLIENT spans
 *   with `gen_ai.operation.name`, `gen_ai.provider.name`, cached / reasoning tokens, time to first
 *   chunk, `gen_ai.input.messages` / `gen_ai.output.messages` (content capture only), cost and
 *   `agentops.event.type=llm`; `ai.toolCall` spans get the `gen_ai.tool.*` attributes and
 *   `agentops.event.type=tool`;
 * - drops the AI SDK's content attributes (prompts, responses, tool arguments and results) when
 *   content capture is off, and passes captured content through the redaction transform;
 * - marks the context of a model call so an instrumented OpenAI / Anthropic client called inside it
 *   records no second LLM span.
 *
 * The AI SDK 7 makes no spans itself: `@ai-sdk/otel` turns its telemetry events into GenAI spans,
 * through the tracer it is given. agentops gives it `genAiTracer` (otel.ts), the same tracer for
 * `@ai-sdk/otel`'s spans, which carry the GenAI attributes already: it places them in the session,
 * marks the model calls and tool calls, and filters content. There `aiSdkTelemetry()` is optional:
 * its `functionId`, `recordInputs` and `recordOutputs` apply, its tracer is not used.
 */
import {
  INVALID_SPAN_CONTEXT,
  SpanKind,
  trace,
  type AttributeValue,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { SESSION_KEY } from '../../context';
import * as A from '../../semconv';
import { activeHost, type InstrumentationHost } from '../host';
import { callParent, type CallParent } from '../parent-context';
import { SUPPRESS_LLM_SPAN_KEY } from '../shared/suppress';
import { genAiRoleOf, roleOf, SPAN_TYPE_KEY, type Dialect } from './mapping';
import { AiSdkSpan } from './span';

/** What `experimental_telemetry` accepts (structurally the AI SDK's `TelemetrySettings`). */
export interface AiSdkTelemetrySettings {
  isEnabled: boolean;
  recordInputs?: boolean;
  recordOutputs?: boolean;
  functionId?: string;
  metadata?: Record<string, AttributeValue>;
  tracer?: Tracer;
}

export interface AiSdkTelemetryOptions {
  /** Groups the calls of one function (`ai.telemetry.functionId`, and `resource.name`). */
  functionId?: string;
  /** Extra attributes on every AI SDK span (`ai.telemetry.metadata.*`). */
  metadata?: Record<string, AttributeValue>;
}

/**
 * Settings for the AI SDK's `experimental_telemetry`: its spans are recorded by agentops, inside
 * the active session. Inputs and outputs are recorded only when content capture is on. Before
 * `init()` (or after `shutdown()`) it returns `{ isEnabled: false }`.
 *
 * @example await generateText({ model, prompt, experimental_telemetry: agentops.aiSdkTelemetry() })
 */
export function aiSdkTelemetry(options: AiSdkTelemetryOptions = {}): AiSdkTelemetrySettings {
  const host = activeHost();
  if (host === undefined) return { isEnabled: false };
  const capture = host.recorder.policy.capture;
  const settings: AiSdkTelemetrySettings = { isEnabled: true, tracer: aiSdkTracer, recordInputs: capture, recordOutputs: capture };
  if (options !== null && typeof options === 'object') {
    if (typeof options.functionId === 'string') settings.functionId = options.functionId;
    if (options.metadata !== null && typeof options.metadata === 'object') settings.metadata = options.metadata;
  }
  return settings;
}

const NOOP_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

class AiSdkTracer implements Tracer {
  constructor(private readonly dialect: Dialect) {}

  startSpan(name: string, options?: SpanOptions, context?: Context): Span {
    const host = activeHost();
    if (host === undefined) return NOOP_SPAN;
    return this.start(host, name, options, context).span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a?: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    const fn = (typeof c === 'function' ? c : typeof b === 'function' ? b : a) as F;
    const options = typeof a === 'object' ? a : undefined;
    const context = typeof b === 'object' ? b : undefined;
    const host = activeHost();
    if (host === undefined) return fn(NOOP_SPAN) as ReturnType<F>;
    let started: { span: Span; ctx: Context };
    try {
      started = this.start(host, name, options, context);
    } catch (err) {
      host.logger.once('ai-sdk:start', 'error', `recording an AI SDK span failed; the call goes on unrecorded: ${String(err)}`);
      return fn(NOOP_SPAN) as ReturnType<F>;
    }
    return host.contextAccess.with(started.ctx, () => fn(started.span)) as ReturnType<F>;
  }

  private start(host: InstrumentationHost, name: string, options: SpanOptions | undefined, context: Context | undefined): { span: Span; ctx: Context } {
    const genAi = this.dialect === 'gen_ai';
    const attributes = options?.attributes;
    const role = genAi ? genAiRoleOf(attributes?.[SPAN_TYPE_KEY], attributes?.[A.GEN_AI_OPERATION_NAME]) : roleOf(name);
    const parent = parentOf(host, context);
    // `@ai-sdk/otel` gives each span its kind; the AI SDK 5 and 6 give none.
    const kind = !genAi && (role === 'model' || role === 'embed') ? SpanKind.CLIENT : options?.kind;
    const inner = host.tracer!.startSpan(name, { ...options, kind, attributes: undefined }, parent.ctx);
    const span = new AiSdkSpan(inner, role, this.dialect, host.recorder.policy, parent.session);
    if (options?.attributes !== undefined) span.setAttributes(options.attributes);
    parent.session?.openSpan(inner);
    let ctx = trace.setSpan(parent.ctx, span);
    if (parent.session !== undefined) ctx = ctx.setValue(SESSION_KEY, parent.session);
    if (role === 'model' || role === 'embed') ctx = ctx.setValue(SUPPRESS_LLM_SPAN_KEY, true);
    return { span, ctx };
  }
}

/**
 * Where an AI SDK span goes: under its parent when that is an AI SDK span of an open session (the
 * contexts `@ai-sdk/otel` builds for its child spans need not carry the session), else where any
 * instrumented call goes.
 */
function parentOf(host: InstrumentationHost, context: Context | undefined): CallParent {
  const given = context === undefined ? undefined : trace.getSpan(context);
  if (given instanceof AiSdkSpan && given.session !== undefined && !given.session.ended && given.isRecording()) {
    return { ctx: context!.setValue(SESSION_KEY, given.session), session: given.session };
  }
  return callParent(host, context ?? host.contextAccess.active());
}

const aiSdkTracer = new AiSdkTracer('ai');

/** The tracer agentops gives `@ai-sdk/otel` (the AI SDK 7): its GenAI spans, recorded in the session. */
export const genAiTracer: Tracer = new AiSdkTracer('gen_ai');

