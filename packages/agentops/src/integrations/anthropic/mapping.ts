/**
 * Anthropic Messages request and response shapes -> LLMEvent fields. A streamed message is
 * assembled from its events (`message_start`, `content_block_*`, `message_delta`) as the user (or
 * the SDK's `MessageStream`) reads them; content is kept only when capture is on.
 */
import type { LLMEvent, LLMEventInit } from '../../events/llm-event';
import { isRecord, num, str, type LLMAdapter, type StreamAccumulator } from '../shared/llm-adapter';

export function anthropicRequestEvent(body: Record<string, unknown>): LLMEventInit {
  return {
    provider: 'anthropic',
    operation: 'chat',
    model: typeof body.model === 'string' ? body.model : undefined,
    params: body,
    prompt: body.messages,
    systemInstructions: body.system,
  };
}

/**
 * Anthropic's `input_tokens` leaves out the cached ones; the GenAI conventions count every input
 * token in `gen_ai.usage.input_tokens`, so cache reads and writes are added back.
 */
function usageInto(event: LLMEvent, usage: unknown): void {
  if (!isRecord(usage)) return;
  const read = num(usage.cache_read_input_tokens);
  const written = num(usage.cache_creation_input_tokens);
  const input = num(usage.input_tokens);
  if (input !== undefined) event.promptTokens = input + (read ?? 0) + (written ?? 0);
  if (read !== undefined) event.cachedTokens = read;
  if (written !== undefined) event.cacheCreationTokens = written;
  const output = num(usage.output_tokens);
  if (output !== undefined) event.completionTokens = output;
}

/** The text of a reply that is one text block: recorded as a string, the output JSON is built without intermediate objects. */
function onlyText(content: unknown): string | undefined {
  if (!Array.isArray(content) || content.length !== 1) return undefined;
  const block: unknown = content[0];
  return isRecord(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : undefined;
}

export const messagesAdapter: LLMAdapter = {
  response(event, body, capture) {
    if (!isRecord(body)) return;
    event.responseId = str(body.id);
    event.responseModel = str(body.model);
    if (typeof body.stop_reason === 'string') event.finishReasons = [body.stop_reason];
    usageInto(event, body.usage);
    if (capture) event.completion = onlyText(body.content) ?? { role: typeof body.role === 'string' ? body.role : 'assistant', content: body.content };
  },
  stream: (capture) => new MessageEvents(capture),
};

interface Block {
  type: string;
  text: string;
  json: string;
  start: Record<string, unknown>;
}

class MessageEvents implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private stop: string | undefined;
  private usage: Record<string, unknown> = {};
  private readonly blocks: Block[] = [];

  constructor(private readonly capture: boolean) {}

  add(chunk: unknown): void {
    if (!isRecord(chunk)) return;
    switch (chunk.type) {
      case 'message_start': {
        const m = chunk.message;
        if (!isRecord(m)) break;
        this.id = str(m.id);
        this.model = str(m.model);
        if (isRecord(m.usage)) this.usage = { ...m.usage };
        break;
      }
      case 'message_delta': {
        const d = chunk.delta;
        if (isRecord(d) && typeof d.stop_reason === 'string') this.stop = d.stop_reason;
        // message_delta usage is cumulative: its counts replace the ones from message_start.
        if (isRecord(chunk.usage)) for (const [k, v] of Object.entries(chunk.usage)) if (v !== null && v !== undefined) this.usage[k] = v;
        break;
      }
      case 'content_block_start': {
        if (!this.capture || typeof chunk.index !== 'number' || !isRecord(chunk.content_block)) break;
        const b = chunk.content_block;
        this.blocks[chunk.index] = { type: typeof b.type === 'string' ? b.type : 'text', text: typeof b.text === 'string' ? b.text : '', json: '', start: b };
        break;
      }
      case 'content_block_delta': {
        if (!this.capture || typeof chunk.index !== 'number' || !isRecord(chunk.delta)) break;
        const block = this.blocks[chunk.index];
        if (block === undefined) break;
        const d = chunk.delta;
        if (typeof d.text === 'string') block.text += d.text;
        else if (typeof d.partial_json === 'string') block.json += d.partial_json;
        else if (typeof d.thinking === 'string') block.text += d.thinking;
        break;
      }
      default:
        break;
    }
  }

  apply(event: LLMEvent, capture: boolean): void {
    if (this.id !== undefined) event.responseId = this.id;
    if (this.model !== undefined) event.responseModel = this.model;
    if (this.stop !== undefined) event.finishReasons = [this.stop];
    usageInto(event, this.usage);
    if (!capture) return;
    const content: unknown[] = [];
    for (const b of this.blocks) {
      if (b === undefined) continue;
      if (b.type === 'text') content.push({ type: 'text', text: b.text });
      else if (b.type === 'thinking') content.push({ type: 'thinking', thinking: b.text });
      else if (b.type === 'tool_use' || b.type === 'server_tool_use') content.push({ ...b.start, input: parseJson(b.json, b.start.input) });
      else content.push(b.start);
    }
    event.completion = onlyText(content) ?? { role: 'assistant', content };
  }
}

/** Streamed tool input arrives as JSON fragments; a stream cut short leaves it unparseable, kept as text. */
function parseJson(text: string, fallback: unknown): unknown {
  if (text === '') return fallback;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
