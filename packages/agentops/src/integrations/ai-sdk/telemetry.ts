/**
 * Vercel AI SDK (`ai`) telemetry through agentops. The AI SDK emits its own spans when given
 * `experimental_telemetry: { isEnabled: true, tracer }`; `aiSdkTelemetry()` returns those settings
 * with a tracer that:
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
import { activeHost, type InstrumentationHost } from '../host';
import { callParent } from '../parent-context';
import { SUPPRESS_LLM_SPAN_KEY } from '../shared/suppress';
import { roleOf } from './mapping';
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
    const role = roleOf(name);
    const parent = callParent(host, context ?? host.contextAccess.active());
    const inner = host.tracer!.startSpan(name, { ...options, kind: role === 'model' || role === 'embed' ? SpanKind.CLIENT : options?.kind, attributes: undefined }, parent.ctx);
    const span = new AiSdkSpan(inner, role, host.recorder.policy, parent.session);
    if (options?.attributes !== undefined) span.setAttributes(options.attributes);
    parent.session?.openSpan(inner);
    let ctx = trace.setSpan(parent.ctx, span);
    if (parent.session !== undefined) ctx = ctx.setValue(SESSION_KEY, parent.session);
    if (role === 'model' || role === 'embed') ctx = ctx.setValue(SUPPRESS_LLM_SPAN_KEY, true);
    return { span, ctx };
  }
}

const aiSdkTracer = new AiSdkTracer();

