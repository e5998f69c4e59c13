/**
 * OpenAI request and response shapes -> LLMEvent fields, for `chat.completions`, `responses` and
 * `embeddings` (the same shapes from openai v4 to v6). Streams are assembled from their chunks
 * (chat) or events (responses) as the user reads them; content is kept only when capture is on.
 */
import type { LLMEvent, LLMEventInit } from '../../events/llm-event';
import { isRecord, num, str, type LLMAdapter, type StreamAccumulator } from '../shared/llm-adapter';

export type OpenAIOperation = 'chat' | 'responses' | 'embeddings';

/** The LLMEvent fields a request gives (model, parameters, input). */
export function openAIRequestEvent(op: OpenAIOperation, body: Record<string, unknown>): LLMEventInit {
  const model = typeof body.model === 'string' ? body.model : undefined;
  switch (op) {
    case 'chat':
      return { provider: 'openai', operation: 'chat', model, params: body, prompt: body.messages };
    case 'responses':
      return { provider: 'openai', operation: 'chat', model, params: body, prompt: body.input, systemInstructions: body.instructions };
    case 'embeddings':
      return { provider: 'openai', operation: 'embeddings', model, params: body, prompt: body.input };
  }
}

// ---- chat.completions ----

/**
 * The text of a one-choice answer that is only text: recorded as a string, the output JSON is built
 * without intermediate objects (the hot path), and reads the same as the message would.
 */
function plainText(choices: unknown[]): string | undefined {
  if (choices.length !== 1) return undefined;
  const c = choices[0];
  const m = isRecord(c) ? c.message : undefined;
  if (!isRecord(m) || typeof m.content !== 'string' || (m.role !== undefined && m.role !== 'assistant')) return undefined;
  if ((Array.isArray(m.tool_calls) && m.tool_calls.length > 0) || (m.refusal !== null && m.refusal !== undefined) || m.function_call != null) return undefined;
  return m.content;
}

function usageInto(event: LLMEvent, usage: unknown): void {
  if (!isRecord(usage)) return;
  event.promptTokens = num(usage.prompt_tokens) ?? num(usage.input_tokens) ?? event.promptTokens;
  event.completionTokens = num(usage.completion_tokens) ?? num(usage.output_tokens) ?? event.completionTokens;
  const inDetails = usage.prompt_tokens_details ?? usage.input_tokens_details;
  if (isRecord(inDetails)) event.cachedTokens = num(inDetails.cached_tokens) ?? event.cachedTokens;
  const outDetails = usage.completion_tokens_details ?? usage.output_tokens_details;
  if (isRecord(outDetails)) event.reasoningTokens = num(outDetails.reasoning_tokens) ?? event.reasoningTokens;
}

export const chatAdapter: LLMAdapter = {
  response(event, body, capture) {
    if (!isRecord(body)) return;
    event.responseId = str(body.id);
    event.responseModel = str(body.model);
    usageInto(event, body.usage);
    const choices = Array.isArray(body.choices) ? (body.choices as unknown[]) : [];
    const reasons: string[] = [];
    for (const c of choices) if (isRecord(c) && typeof c.finish_reason === 'string') reasons.push(c.finish_reason);
    if (reasons.length > 0) event.finishReasons = reasons;
    if (capture) event.completion = plainText(choices) ?? choices.map((c) => (isRecord(c) ? c.message : undefined));
  },
  stream: (capture) => new ChatStream(capture),
};

interface ToolCallParts {
  id: string | undefined;
  name: string;
  args: string;
}

interface ChoiceParts {
  role: string;
  content: string;
  refusal: string;
  toolCalls: ToolCallParts[];
  finish: string | undefined;
}

/** Chat completion chunks -> the assembled choices (content joined, tool call arguments joined). */
class ChatStream implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private usage: unknown;
  private readonly choices: ChoiceParts[] = [];

  constructor(private readonly capture: boolean) {}

  add(chunk: unknown): void {
    if (!isRecord(chunk)) return;
    if (this.id === undefined && typeof chunk.id === 'string') this.id = chunk.id;
    if (this.model === undefined && typeof chunk.model === 'string') this.model = chunk.model;
    if (isRecord(chunk.usage)) this.usage = chunk.usage;
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return;
    for (const c of choices as unknown[]) {
      if (!isRecord(c)) continue;
      const index = typeof c.index === 'number' ? c.index : 0;
      let parts = this.choices[index];
      if (parts === undefined) {
        parts = { role: 'assistant', content: '', refusal: '', toolCalls: [], finish: undefined };
        this.choices[index] = parts;
      }
      if (typeof c.finish_reason === 'string') parts.finish = c.finish_reason;
      const delta = c.delta;
      if (!this.capture || !isRecord(delta)) continue;
      if (typeof delta.role === 'string') parts.role = delta.role;
      if (typeof delta.content === 'string') parts.content += delta.content;
      if (typeof delta.refusal === 'string') parts.refusal += delta.refusal;
      if (Array.isArray(delta.tool_calls)) {
        for (const tc of delta.tool_calls as unknown[]) {
          if (!isRecord(tc)) continue;
          const i = typeof tc.index === 'number' ? tc.index : parts.toolCalls.length;
          let call = parts.toolCalls[i];
          if (call === undefined) {
            call = { id: undefined, name: '', args: '' };
            parts.toolCalls[i] = call;
          }
          if (typeof tc.id === 'string') call.id = tc.id;
          const fn = tc.function;
          if (isRecord(fn)) {
            if (typeof fn.name === 'string') call.name += fn.name;
            if (typeof fn.arguments === 'string') call.args += fn.arguments;
          }
        }
      }
    }
  }

  apply(event: LLMEvent, capture: boolean): void {
    if (this.id !== undefined) event.responseId = this.id;
    if (this.model !== undefined) event.responseModel = this.model;
    usageInto(event, this.usage);
    const reasons: string[] = [];
    for (const c of this.choices) if (c?.finish !== undefined) reasons.push(c.finish);
    if (reasons.length > 0) event.finishReasons = reasons;
    if (!capture) return;
    const only = this.choices.length === 1 ? this.choices[0] : undefined;
    if (only !== undefined && only.role === 'assistant' && only.toolCalls.length === 0 && only.refusal === '') {
      event.completion = only.content;
      return;
    }
    event.completion = Array.from(this.choices, (c) => {
      if (c === undefined) return { role: 'assistant', content: '' };
      const msg: Record<string, unknown> = { role: c.role, content: c.content === '' && c.toolCalls.length > 0 ? null : c.content };
      if (c.refusal !== '') msg.refusal = c.refusal;
      const calls = c.toolCalls.filter((t) => t !== undefined);
      if (calls.length > 0) msg.tool_calls = calls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.args } }));
      return msg;
    });
  }
}

// ---- responses ----

function responseInto(event: LLMEvent, r: Record<string, unknown>, capture: boolean): void {
  event.responseId = str(r.id) ?? event.responseId;
  event.responseModel = str(r.model) ?? event.responseModel;
  usageInto(event, r.usage);
  const output = Array.isArray(r.output) ? (r.output as unknown[]) : [];
  const reason = responseFinishReason(r, output);
  if (reason !== undefined) event.finishReasons = [reason];
  if (capture && output.length > 0) event.completion = outputText(output) ?? output.filter((o) => !isRecord(o) || o.type !== 'reasoning');
}

/** The text of an output that is one message with one text part (recorded as a string, see plainText). */
function outputText(output: unknown[]): string | undefined {
  if (output.length !== 1) return undefined;
  const item = output[0];
  if (!isRecord(item) || item.type !== 'message' || item.role !== 'assistant' || !Array.isArray(item.content) || item.content.length !== 1) return undefined;
  const part: unknown = item.content[0];
  return isRecord(part) && part.type === 'output_text' && typeof part.text === 'string' ? part.text : undefined;
}

/** The Responses API has a status rather than a finish reason: map it to the chat vocabulary. */
function responseFinishReason(r: Record<string, unknown>, output: unknown[]): string | undefined {
  switch (r.status) {
    case 'completed':
      return output.some((o) => isRecord(o) && o.type === 'function_call') ? 'tool_calls' : 'stop';
    case 'incomplete': {
      const why = isRecord(r.incomplete_details) ? r.incomplete_details.reason : undefined;
      return why === 'max_output_tokens' ? 'length' : typeof why === 'string' ? why : 'incomplete';
    }
    case 'failed':
      return 'error';
    case 'cancelled':
      return 'cancelled';
    default:
      return undefined;
  }
}

export const responsesAdapter: LLMAdapter = {
  response(event, body, capture) {
    if (isRecord(body)) responseInto(event, body, capture);
  },
  stream: (capture) => new ResponsesStream(capture),
};

/**
 * Responses API events. The final `response.completed` (or `.incomplete` / `.failed`) event holds the
 * whole response; a stream stopped before it keeps the items and text received so far.
 */
class ResponsesStream implements StreamAccumulator {
  private final: Record<string, unknown> | undefined;
  private started: Record<string, unknown> | undefined;
  private readonly items: unknown[] = [];
  private text = '';

  constructor(private readonly capture: boolean) {}

  add(chunk: unknown): void {
    if (!isRecord(chunk)) return;
    switch (chunk.type) {
      case 'response.created':
      case 'response.in_progress':
        if (isRecord(chunk.response)) this.started = chunk.response;
        break;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        if (isRecord(chunk.response)) this.final = chunk.response;
        break;
      case 'response.output_text.delta':
        if (this.capture && typeof chunk.delta === 'string') this.text += chunk.delta;
        break;
      case 'response.output_item.done':
        if (this.capture && chunk.item !== undefined) {
          this.items.push(chunk.item);
          if (isRecord(chunk.item) && chunk.item.type === 'message') this.text = '';
        }
        break;
      default:
        break;
    }
  }

  apply(event: LLMEvent, capture: boolean): void {
    if (this.final !== undefined) {
      responseInto(event, this.final, capture);
      return;
    }
    if (this.started !== undefined) {
      event.responseId = str(this.started.id) ?? event.responseId;
      event.responseModel = str(this.started.model) ?? event.responseModel;
    }
    if (!capture) return;
    const partial: unknown[] = [...this.items];
    if (this.text !== '') partial.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: this.text }] });
    if (partial.length > 0) event.completion = partial;
  }
}

// ---- embeddings ----

export const embeddingsAdapter: LLMAdapter = {
  response(event, body) {
    if (!isRecord(body)) return;
    event.responseModel = str(body.model);
    usageInto(event, body.usage);
    const first = Array.isArray(body.data) ? (body.data as unknown[])[0] : undefined;
    const vector = isRecord(first) ? first.embedding : undefined;
    if (Array.isArray(vector)) event.embeddingDimensions = vector.length;
    else if (typeof vector === 'string') event.embeddingDimensions = base64Floats(vector);
  },
  stream: () => ({ add() {}, apply() {} }),
};

/** Float32 values in a base64 string (`encoding_format: 'base64'` asked for by the user). */
function base64Floats(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor(((b64.length * 3) / 4 - pad) / 4);
}
