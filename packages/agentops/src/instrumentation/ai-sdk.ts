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
import { randomUUID } from 'node:crypto';
import {
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type AttributeValue,
  type Attributes,
  type Context,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
} from '@opentelemetry/api';
import { SESSION_KEY } from '../context';
import { inputMessagesJson, outputMessagesJson } from '../events/messages';
import type { ContentPolicy } from '../events/span-mapping';
import * as A from '../semconv';
import type { Session } from '../session/session';
import { activeHost, type InstrumentationHost } from './host';
import { callParent } from './parent-context';
import { SUPPRESS_LLM_SPAN_KEY } from './suppress';

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

type Role = 'model' | 'embed' | 'tool' | 'other';

function roleOf(name: string): Role {
  if (name === 'ai.toolCall') return 'tool';
  if (name.endsWith('.doEmbed')) return 'embed';
  if (name.endsWith('.doGenerate') || name.endsWith('.doStream')) return 'model';
  return 'other';
}

// AI SDK attributes that carry content: dropped when capture is off.
const CONTENT_KEYS = new Set([
  'ai.prompt',
  'ai.prompt.messages',
  'ai.prompt.tools',
  'ai.response.text',
  'ai.response.toolCalls',
  'ai.response.object',
  'ai.response.reasoning',
  'ai.toolCall.args',
  'ai.toolCall.result',
  'ai.value',
  'ai.values',
  'ai.embedding',
  'ai.embeddings',
  'ai.documents',
  'ai.ranking',
]);

// `ai.model.provider` is `openai.chat`, `anthropic.messages`, ...: its first part names the provider.
const PROVIDERS: Record<string, string> = {
  google: 'gcp.gemini',
  'google-vertex': 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  mistral: 'mistral_ai',
  'amazon-bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  xai: 'x_ai',
  azure: 'azure.ai.openai',
};

function providerName(aiProvider: string): string {
  const first = aiProvider.split('.')[0] ?? aiProvider;
  return PROVIDERS[first] ?? first;
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

/**
 * An AI SDK span: forwards to the real span, adding GenAI attributes derived from the AI SDK's
 * and filtering content by the capture policy. Model-call values needed at the end (usage, model,
 * response text) are kept as they are set.
 */
class AiSdkSpan implements Span {
  private model: string | undefined;
  private responseModel: string | undefined;
  private input: number | undefined;
  private output: number | undefined;
  private cached: number | undefined;
  private text: string | undefined;
  private toolCalls: string | undefined;
  private finish: string | undefined;
  private errored = false;

  constructor(
    private readonly inner: Span,
    private readonly role: Role,
    private readonly policy: ContentPolicy,
    private readonly session: Session | undefined,
  ) {
    if (!inner.isRecording()) return;
    if (role === 'model' || role === 'embed') {
      inner.setAttribute(A.GEN_AI_OPERATION_NAME, role === 'embed' ? A.GEN_AI_OPERATION_EMBEDDINGS : A.GEN_AI_OPERATION_CHAT);
      inner.setAttribute(A.AGENTOPS_EVENT_TYPE, 'llm');
      inner.setAttribute(A.AGENTOPS_EVENT_ID, randomUUID());
    } else if (role === 'tool') {
      inner.setAttribute(A.GEN_AI_OPERATION_NAME, A.GEN_AI_OPERATION_EXECUTE_TOOL);
      inner.setAttribute(A.AGENTOPS_EVENT_TYPE, 'tool');
      inner.setAttribute(A.AGENTOPS_EVENT_ID, randomUUID());
    }
  }

  spanContext(): SpanContext {
    return this.inner.spanContext();
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (!this.inner.isRecording()) return this;
    try {
      this.set(key, value);
    } catch {
      // A derived attribute failing must not cost the AI SDK its own.
    }
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (!this.inner.isRecording()) return this;
    for (const [k, v] of Object.entries(attributes)) if (v !== undefined) this.setAttribute(k, v);
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    this.inner.addEvent(name, attributesOrStartTime, startTime);
    return this;
  }

  addLink(link: Link): this {
    this.inner.addLink(link);
    return this;
  }

  addLinks(links: Link[]): this {
    this.inner.addLinks(links);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (status.code === SpanStatusCode.ERROR) this.errored = true;
    this.inner.setStatus(status);
    return this;
  }

  updateName(name: string): this {
    this.inner.updateName(name);
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.session !== undefined && !this.session.closeSpan(this.inner)) return; // the session ended it as abandoned
    try {
      if (this.inner.isRecording() && (this.role === 'model' || this.role === 'embed')) this.finishModelCall();
    } catch {
      /* see setAttribute() */
    }
    this.inner.end(endTime);
  }

  isRecording(): boolean {
    return this.inner.isRecording();
  }

  recordException(exception: Exception, time?: TimeInput): void {
    this.inner.recordException(exception, time);
    if (!this.inner.isRecording() || this.role === 'other') return;
    const name = typeof exception === 'string' ? 'Error' : exception.name ?? exception.constructor?.name;
    if (typeof name === 'string' && name !== '') this.inner.setAttribute(A.ERROR_TYPE, name);
  }

  private set(key: string, value: AttributeValue): void {
    const p = this.policy;
    if (CONTENT_KEYS.has(key)) {
      if (!p.capture) return;
      this.inner.setAttribute(key, typeof value === 'string' && p.transform ? p.transform(value, key) : value);
      this.deriveContent(key, value);
      return;
    }
    this.inner.setAttribute(key, value);
    switch (key) {
      case 'ai.model.provider':
        if (typeof value === 'string' && this.role !== 'other') this.inner.setAttribute(A.GEN_AI_PROVIDER_NAME, providerName(value));
        break;
      case 'ai.model.id':
        if (typeof value === 'string') this.model = value;
        break;
      case A.GEN_AI_RESPONSE_MODEL:
      case 'ai.response.model':
        if (typeof value === 'string') this.responseModel = value;
        break;
      case A.GEN_AI_USAGE_INPUT_TOKENS:
      case 'ai.usage.inputTokens':
      case 'ai.usage.tokens':
        if (typeof value === 'number') {
          this.input = value;
          if (key !== A.GEN_AI_USAGE_INPUT_TOKENS && this.role === 'embed') this.inner.setAttribute(A.GEN_AI_USAGE_INPUT_TOKENS, value);
        }
        break;
      case A.GEN_AI_USAGE_OUTPUT_TOKENS:
        if (typeof value === 'number') this.output = value;
        break;
      case 'ai.usage.cachedInputTokens':
        if (typeof value === 'number' && this.role !== 'other') {
          this.cached = value;
          this.inner.setAttribute(A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, value);
        }
        break;
      case 'ai.usage.reasoningTokens':
        if (typeof value === 'number' && this.role !== 'other') this.inner.setAttribute(A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, value);
        break;
      case 'ai.response.msToFirstChunk':
        if (typeof value === 'number' && this.role === 'model') this.inner.setAttribute(A.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, value / 1000);
        break;
      case 'ai.response.finishReason':
        if (typeof value === 'string') this.finish = value;
        break;
      case 'ai.toolCall.name':
        if (typeof value === 'string' && this.role === 'tool') this.inner.setAttribute(A.GEN_AI_TOOL_NAME, value);
        break;
      case 'ai.toolCall.id':
        if (typeof value === 'string' && this.role === 'tool') this.inner.setAttribute(A.GEN_AI_TOOL_CALL_ID, value);
        break;
      default:
        break;
    }
  }

  /** Content is recorded in the GenAI shape too (only reached when capture is on). */
  private deriveContent(key: string, value: AttributeValue): void {
    if (typeof value !== 'string') return;
    const p = this.policy;
    switch (key) {
      case 'ai.prompt.messages':
        if (this.role === 'model') setText(this.inner, A.GEN_AI_INPUT_MESSAGES, inputMessagesJson(fromAiSdkMessages(parse(value)), p.limit), p);
        break;
      case 'ai.response.text':
        this.text = value;
        break;
      case 'ai.response.toolCalls':
        this.toolCalls = value;
        break;
      case 'ai.toolCall.args':
        if (this.role === 'tool') setText(this.inner, A.GEN_AI_TOOL_CALL_ARGUMENTS, value, p);
        break;
      case 'ai.toolCall.result':
        if (this.role === 'tool') setText(this.inner, A.GEN_AI_TOOL_CALL_RESULT, value, p);
        break;
      default:
        break;
    }
  }

  private finishModelCall(): void {
    // Cost is added by the span processor that prices every LLM span (and honours init({ pricing })).
    if (this.errored) return;
    if (this.policy.capture && this.role === 'model' && (this.text !== undefined || this.toolCalls !== undefined)) {
      const parts: unknown[] = [];
      if (this.text !== undefined && this.text !== '') parts.push({ type: 'text', content: this.text });
      const calls = parse(this.toolCalls);
      if (Array.isArray(calls)) {
        for (const c of calls as Array<Record<string, unknown>>) {
          parts.push({ type: 'tool_call', id: c.toolCallId, name: c.toolName, arguments: typeof c.input === 'string' ? parse(c.input) ?? c.input : c.input ?? c.args });
        }
      }
      const finish = this.finish !== undefined ? [this.finish] : undefined;
      setText(this.inner, A.GEN_AI_OUTPUT_MESSAGES, outputMessagesJson([{ role: 'assistant', parts }], finish, this.policy.limit), this.policy);
    }
  }
}

function setText(span: Span, key: string, text: string | undefined, p: ContentPolicy): void {
  if (text !== undefined) span.setAttribute(key, p.transform ? p.transform(text, key) : text);
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** AI SDK prompt messages (`tool-call` / `tool-result` parts) -> the shapes messages.ts reads. */
function fromAiSdkMessages(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  return messages.map((m: unknown) => {
    // A message whose content is a plain string is read as it is.
    if (m === null || typeof m !== 'object' || !Array.isArray((m as { content?: unknown }).content)) return m;
    const msg = m as { role?: unknown; content: unknown[] };
    const parts = msg.content.map((part: unknown) => {
      if (part === null || typeof part !== 'object') return part;
      const pt = part as Record<string, unknown>;
      if (pt.type === 'tool-call') return { type: 'tool_call', id: pt.toolCallId, name: pt.toolName, arguments: pt.input ?? pt.args };
      if (pt.type === 'tool-result') {
        const out = pt.output as { value?: unknown } | undefined;
        return { type: 'tool_call_response', id: pt.toolCallId, response: out !== null && typeof out === 'object' && 'value' in out ? out.value : pt.output ?? pt.result };
      }
      if (pt.type === 'reasoning') return { type: 'reasoning', content: pt.text };
      if (pt.type === 'text') return { type: 'text', content: pt.text };
      return part;
    });
    return { role: msg.role, parts };
  });
}
