/**
 * An AI SDK span as agentops records it: a wrapper over the real span that marks the model calls
 * and tool calls, adds the GenAI attributes derived from the AI SDK 5 and 6's own (`@ai-sdk/otel`'s
 * spans of the AI SDK 7 have them already) and filters content by the capture policy.
 */
import { randomUUID } from 'node:crypto';
import {
  SpanStatusCode,
  type AttributeValue,
  type Attributes,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { inputMessagesJson, outputMessagesJson } from '../../events/messages';
import type { ContentPolicy } from '../../events/span-mapping';
import { LLM_OPERATIONS } from '../../metrics/genai-span-processor';
import * as A from '../../semconv';
import type { Session } from '../../session/session';
import { CONTENT_KEYS, fromAiSdkMessages, providerName, SPAN_TYPE_KEY, type Dialect, type Role } from './mapping';

/**
 * An AI SDK span: forwards to the real span, adding GenAI attributes derived from the AI SDK's
 * and filtering content by the capture policy. Model-call values needed at the end (usage, model,
 * response text) are kept as they are set.
 */
export class AiSdkSpan implements Span {
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
    private readonly dialect: Dialect,
    private readonly policy: ContentPolicy,
    /** The session it was recorded in. */
    readonly session: Session | undefined,
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

  /** Whether it records a language model call (what an instrumented client called inside it must not record again). */
  isModelCall(): boolean {
    return this.role === 'model' && this.inner.isRecording();
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
      if (this.inner.isRecording() && this.dialect === 'ai' && (this.role === 'model' || this.role === 'embed')) this.finishModelCall();
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
      this.inner.setAttribute(key, redacted(value, key, p));
      if (this.dialect === 'ai') this.deriveContent(key, value);
      return;
    }
    if (this.dialect === 'gen_ai') {
      if (key === SPAN_TYPE_KEY) return;
      // The span of an embed() call, around its model calls, carries their operation too: the model
      // calls are what is counted and priced, so it is an operation span here.
      if (key === A.GEN_AI_OPERATION_NAME && this.role === 'other' && typeof value === 'string' && LLM_OPERATIONS.has(value)) {
        this.inner.setAttribute(A.AGENTOPS_SPAN_KIND, 'operation');
        return;
      }
      this.inner.setAttribute(key, value);
      // The time to first chunk under the name every other LLM span of agentops has it.
      if (key === 'gen_ai.client.operation.time_to_first_chunk' && this.role === 'model' && typeof value === 'number') this.inner.setAttribute(A.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, value);
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

/** Captured content through the content transform (the redactor): a string, or each string of a list. */
function redacted(value: AttributeValue, key: string, p: ContentPolicy): AttributeValue {
  const t = p.transform;
  if (t === undefined) return value;
  if (typeof value === 'string') return t(value, key);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return (value as string[]).map((v) => t(v, key));
  return value;
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

