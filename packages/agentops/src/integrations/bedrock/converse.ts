/**
 * The Converse API (`Converse`, `ConverseStream`) -> LLMEvent fields. Amazon Nova's native
 * InvokeModel API shares its shapes (messages, `output.message`, `stopReason`, `usage`, and the
 * stream events `messageStart` / `contentBlockDelta` / `messageStop` / `metadata`), so it is read
 * by the same code.
 */
import type { LLMEvent, LLMEventInit, LLMParams } from '../../events/llm-event';
import type { MessagePart } from '../../events/messages';
import { isRecord, num, str, type StreamAccumulator } from '../shared/llm-adapter';
import { bedrockMessages, bedrockParts, onlyText } from './content';

export const PROVIDER = 'aws.bedrock';
/** `aws.bedrock.guardrail.id` (semantic conventions, `ATTR_AWS_BEDROCK_GUARDRAIL_ID`). */
export const AWS_BEDROCK_GUARDRAIL_ID = 'aws.bedrock.guardrail.id';

export function converseRequestEvent(input: Record<string, unknown>, streamed: boolean, capture: boolean): LLMEventInit {
  const config = isRecord(input.inferenceConfig) ? input.inferenceConfig : undefined;
  const extra = isRecord(input.additionalModelRequestFields) ? input.additionalModelRequestFields : undefined;
  const params: LLMParams = config === undefined ? {} : { ...config };
  const topK = extra === undefined ? undefined : extra.top_k ?? extra.topK;
  if (topK !== undefined) params.top_k = topK as number;
  if (streamed) params.stream = true;
  const guardrail = isRecord(input.guardrailConfig) ? str(input.guardrailConfig.guardrailIdentifier) : undefined;
  return {
    provider: PROVIDER,
    operation: 'chat',
    model: str(input.modelId),
    params,
    attributes: guardrail === undefined ? undefined : { [AWS_BEDROCK_GUARDRAIL_ID]: guardrail },
    prompt: capture ? bedrockMessages(input.messages) : undefined,
    systemInstructions: capture ? systemInstructions(input.system) : undefined,
  };
}

/** `system` blocks as a string (one text block) or parts. */
export function systemInstructions(system: unknown): unknown {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string') return system;
  const text = onlyText(system);
  if (text !== undefined) return text;
  const parts = bedrockParts(system);
  return parts.length === 0 ? undefined : parts;
}

/**
 * Bedrock reports cached input apart from `inputTokens` (Converse: `cacheReadInputTokens`,
 * `cacheWriteInputTokens`; Nova's native API: `cacheReadInputTokenCount`, `cacheWriteInputTokenCount`);
 * the GenAI conventions count every input token in `gen_ai.usage.input_tokens`, so they are added back.
 */
export function bedrockUsageInto(event: LLMEvent, usage: unknown): void {
  if (!isRecord(usage)) return;
  const read = num(usage.cacheReadInputTokens) ?? num(usage.cacheReadInputTokenCount);
  const written = num(usage.cacheWriteInputTokens) ?? num(usage.cacheWriteInputTokenCount);
  const input = num(usage.inputTokens);
  if (input !== undefined) event.promptTokens = input + (read ?? 0) + (written ?? 0);
  if (read !== undefined) event.cachedTokens = read;
  if (written !== undefined) event.cacheCreationTokens = written;
  const output = num(usage.outputTokens);
  if (output !== undefined) event.completionTokens = output;
}

/** A Converse response, or Amazon Nova's native response body. */
export function converseResponseInto(event: LLMEvent, body: unknown, capture: boolean): void {
  if (!isRecord(body)) return;
  if (typeof body.stopReason === 'string') event.finishReasons = [body.stopReason];
  bedrockUsageInto(event, body.usage);
  if (!capture) return;
  const message = isRecord(body.output) ? body.output.message : undefined;
  if (!isRecord(message)) return;
  const role = typeof message.role === 'string' ? message.role : 'assistant';
  const text = role === 'assistant' ? onlyText(message.content) : undefined;
  event.completion = text ?? { role, parts: bedrockParts(message.content) };
}

interface Block {
  text: string;
  reasoning: string;
  toolUse: Record<string, unknown> | undefined;
  input: string;
}

/** Assembles a ConverseStream reply (or a Nova native stream) from its events, as the caller reads them. */
export class ConverseEvents implements StreamAccumulator {
  private stop: string | undefined;
  private usage: unknown;
  private readonly blocks: Block[] = [];

  constructor(private readonly capture: boolean) {}

  add(e: unknown): void {
    if (!isRecord(e)) return;
    if (isRecord(e.contentBlockDelta)) {
      if (this.capture) this.delta(e.contentBlockDelta);
    } else if (isRecord(e.contentBlockStart)) {
      const start = e.contentBlockStart.start;
      if (this.capture && isRecord(start) && isRecord(start.toolUse)) this.block(e.contentBlockStart.contentBlockIndex).toolUse = start.toolUse;
    } else if (isRecord(e.messageStop)) {
      if (typeof e.messageStop.stopReason === 'string') this.stop = e.messageStop.stopReason;
    } else if (isRecord(e.metadata)) {
      if (isRecord(e.metadata.usage)) this.usage = e.metadata.usage;
    }
  }

  private block(index: unknown): Block {
    const i = typeof index === 'number' && index >= 0 && index < 1024 ? index : 0;
    return (this.blocks[i] ??= { text: '', reasoning: '', toolUse: undefined, input: '' });
  }

  private delta(d: Record<string, unknown>): void {
    const delta = d.delta;
    if (!isRecord(delta)) return;
    const block = this.block(d.contentBlockIndex);
    if (typeof delta.text === 'string') block.text += delta.text;
    else if (isRecord(delta.toolUse) && typeof delta.toolUse.input === 'string') block.input += delta.toolUse.input;
    else if (isRecord(delta.reasoningContent) && typeof delta.reasoningContent.text === 'string') block.reasoning += delta.reasoningContent.text;
  }

  apply(event: LLMEvent, capture: boolean): void {
    if (this.stop !== undefined) event.finishReasons = [this.stop];
    bedrockUsageInto(event, this.usage);
    if (!capture) return;
    const parts: MessagePart[] = [];
    for (const b of this.blocks) {
      if (b === undefined) continue;
      if (b.reasoning !== '') parts.push({ type: 'reasoning', content: b.reasoning });
      if (b.toolUse !== undefined) parts.push({ type: 'tool_call', id: b.toolUse.toolUseId, name: b.toolUse.name, arguments: parseJson(b.input) });
      else if (b.reasoning === '' || b.text !== '') parts.push({ type: 'text', content: b.text });
    }
    const only = parts.length === 1 ? parts[0]! : undefined;
    event.completion = only !== undefined && only.type === 'text' ? (only.content as string) : { role: 'assistant', parts };
  }
}

/** Streamed tool input arrives as JSON fragments; a stream cut short leaves it unparseable, kept as text. */
function parseJson(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
