/**
 * `InvokeModel` and `InvokeModelWithResponseStream`: the request and response bodies are the
 * model's own JSON, read per model family: Anthropic Claude (the Messages API), Amazon Nova (the
 * Converse shapes) and Meta Llama (`prompt` / `generation`). Another family is recorded with its
 * model, the usual parameter names found in its body, and the token counts Bedrock appends to the
 * last event of a stream (`amazon-bedrock-invocationMetrics`).
 */
import type { LLMEvent, LLMEventInit, LLMParams } from '../../events/llm-event';
import { messagesAdapter } from '../anthropic/mapping';
import { isRecord, num, str, type StreamAccumulator } from '../shared/llm-adapter';
import { bedrockMessages } from './content';
import { AWS_BEDROCK_GUARDRAIL_ID, ConverseEvents, converseResponseInto, PROVIDER, systemInstructions } from './converse';

export type Family = 'anthropic' | 'nova' | 'llama' | 'other';

const utf8 = new TextDecoder();

/** The JSON of a body given as text or bytes; undefined for a stream, a Blob or text that is not JSON. */
export function bodyJson(body: unknown): Record<string, unknown> | undefined {
  let text: string;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = utf8.decode(body);
  else if (ArrayBuffer.isView(body)) text = utf8.decode(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  else if (body instanceof ArrayBuffer) text = utf8.decode(body);
  else return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

// A cross-Region inference profile (`us.anthropic.claude-...`) names the family after its prefix.
const FAMILY = /^(?:[a-z-]+\.)?(anthropic\.|amazon\.nova|meta\.llama)/;

/** The family by model id, else by the body's shape (an ARN of an inference profile or a provisioned model says nothing). */
export function familyOf(modelId: string | undefined, body: Record<string, unknown> | undefined): Family {
  const m = modelId === undefined ? null : FAMILY.exec(modelId);
  if (m !== null) return m[1] === 'anthropic.' ? 'anthropic' : m[1] === 'amazon.nova' ? 'nova' : 'llama';
  if (body === undefined) return 'other';
  if (typeof body.anthropic_version === 'string') return 'anthropic';
  if (typeof body.prompt === 'string' && body.max_gen_len !== undefined) return 'llama';
  if (Array.isArray(body.messages) && (body.schemaVersion !== undefined || isRecord(body.inferenceConfig))) return 'nova';
  return 'other';
}

export function invokeRequestEvent(input: Record<string, unknown>, body: Record<string, unknown> | undefined, family: Family, streamed: boolean, capture: boolean): LLMEventInit {
  const event: LLMEventInit = { provider: PROVIDER, operation: 'chat', model: str(input.modelId) };
  const guardrail = str(input.guardrailIdentifier);
  if (guardrail !== undefined) event.attributes = { [AWS_BEDROCK_GUARDRAIL_ID]: guardrail };
  if (body === undefined) return event;
  // Values as the body has them: the span mapping checks each one.
  let params: Record<string, unknown>;
  switch (family) {
    case 'anthropic':
      // Anthropic's own parameter names (`max_tokens`, `top_p`, `stop_sequences`) are the ones mapped;
      // the body is this module's own parse of the request, so it is used as it is.
      params = body;
      if (capture) {
        event.prompt = body.messages;
        event.systemInstructions = body.system;
      }
      break;
    case 'nova': {
      const c = isRecord(body.inferenceConfig) ? body.inferenceConfig : {};
      params = { max_tokens: c.maxTokens ?? c.max_new_tokens, temperature: c.temperature, top_p: c.topP ?? c.top_p, top_k: c.topK ?? c.top_k, stop_sequences: c.stopSequences };
      if (capture) {
        event.prompt = bedrockMessages(body.messages);
        event.systemInstructions = systemInstructions(body.system);
      }
      break;
    }
    case 'llama':
      params = { max_tokens: body.max_gen_len, temperature: body.temperature, top_p: body.top_p };
      if (capture) event.prompt = body.prompt;
      break;
    default:
      params = body;
      if (capture) event.prompt = body.messages ?? body.prompt ?? body.inputText;
      break;
  }
  if (streamed) params.stream = true;
  event.params = params as LLMParams;
  return event;
}

/** A non-streamed response body. */
export function invokeResponseInto(event: LLMEvent, family: Family, body: Record<string, unknown>, capture: boolean): void {
  switch (family) {
    case 'anthropic': {
      const requestId = event.responseId;
      messagesAdapter.response(event, body, capture);
      event.responseId ??= requestId;
      break;
    }
    case 'nova':
      converseResponseInto(event, body, capture);
      break;
    case 'llama':
      llamaInto(event, body, capture ? str(body.generation) : undefined);
      break;
    default:
      break;
  }
}

function llamaInto(event: LLMEvent, body: Record<string, unknown>, generation: string | undefined): void {
  const input = num(body.prompt_token_count);
  if (input !== undefined) event.promptTokens = input;
  const output = num(body.generation_token_count);
  if (output !== undefined) event.completionTokens = output;
  if (typeof body.stop_reason === 'string') event.finishReasons = [body.stop_reason];
  if (generation !== undefined) event.completion = generation;
}

/** Llama's stream: each chunk a piece of `generation`; the counts and `stop_reason` arrive along the way. */
class LlamaChunks implements StreamAccumulator {
  private text = '';
  private readonly last: Record<string, unknown> = {};

  constructor(private readonly capture: boolean) {}

  add(chunk: unknown): void {
    if (!isRecord(chunk)) return;
    if (this.capture && typeof chunk.generation === 'string') this.text += chunk.generation;
    for (const key of ['prompt_token_count', 'generation_token_count', 'stop_reason']) {
      const v = chunk[key];
      if (v !== undefined && v !== null) this.last[key] = v;
    }
  }

  apply(event: LLMEvent, capture: boolean): void {
    llamaInto(event, this.last, capture ? this.text : undefined);
  }
}

const NONE: StreamAccumulator = { add: () => undefined, apply: () => undefined };

/**
 * The events of `InvokeModelWithResponseStream` as the caller reads them (`{ chunk: { bytes } }`):
 * each chunk's bytes are the family's own stream JSON, read by that family's accumulator.
 */
export class InvokeModelChunks implements StreamAccumulator {
  private readonly inner: StreamAccumulator;
  private metrics: Record<string, unknown> | undefined;

  constructor(family: Family, capture: boolean) {
    this.inner = family === 'anthropic' ? messagesAdapter.stream(capture) : family === 'nova' ? new ConverseEvents(capture) : family === 'llama' ? new LlamaChunks(capture) : NONE;
  }

  add(e: unknown): void {
    const chunk = isRecord(e) ? e.chunk : undefined;
    const json = isRecord(chunk) ? bodyJson(chunk.bytes) : undefined;
    if (json === undefined) return;
    const m = json['amazon-bedrock-invocationMetrics'];
    if (isRecord(m)) this.metrics = m;
    this.inner.add(json);
  }

  apply(event: LLMEvent, capture: boolean): void {
    this.inner.apply(event, capture);
    // What Bedrock itself counted, for a family whose own events carry no usage.
    const m = this.metrics;
    if (m === undefined) return;
    if (event.promptTokens === undefined) event.promptTokens = num(m.inputTokenCount);
    if (event.completionTokens === undefined) event.completionTokens = num(m.outputTokenCount);
  }
}
