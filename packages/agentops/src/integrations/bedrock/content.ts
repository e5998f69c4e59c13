/**
 * Bedrock's content blocks (the Converse API's, and Amazon Nova's native ones, which have the same
 * shape) -> the GenAI conventions' message parts. A block is an object with one member naming its
 * kind: `{ text }`, `{ toolUse: { toolUseId, name, input } }`, `{ toolResult: { toolUseId, content } }`,
 * `{ reasoningContent: { reasoningText: { text } } }`, `{ image: { format, source } }` ... Called
 * only when content capture is on.
 */
import type { MessagePart } from '../../events/messages';
import { isRecord } from '../shared/llm-adapter';

/**
 * Messages for `LLMEventInit.prompt`: `{ role, content: text }` when every message is one text
 * block (the messages JSON is then built without intermediate objects), else `{ role, parts }`.
 */
export function bedrockMessages(messages: unknown): unknown {
  if (!Array.isArray(messages)) return undefined;
  const simple: Array<{ role: string; content: string }> = [];
  for (const m of messages as unknown[]) {
    const text = isRecord(m) ? onlyText(m.content) : undefined;
    if (text === undefined || typeof (m as { role?: unknown }).role !== 'string') return messages.map(toMessage);
    simple.push({ role: (m as { role: string }).role, content: text });
  }
  return simple;
}

/** One message as `{ role, parts }`. */
export function toMessage(m: unknown): { role: string; parts: MessagePart[] } {
  if (!isRecord(m)) return { role: 'user', parts: [] };
  return { role: typeof m.role === 'string' ? m.role : 'user', parts: bedrockParts(m.content) };
}

/** The text of content that is exactly one text block. */
export function onlyText(content: unknown): string | undefined {
  if (!Array.isArray(content) || content.length !== 1) return undefined;
  const block: unknown = content[0];
  return isRecord(block) && typeof block.text === 'string' && Object.keys(block).length === 1 ? block.text : undefined;
}

export function bedrockParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const block of content as unknown[]) {
    const part = toPart(block);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

function toPart(block: unknown): MessagePart | undefined {
  if (!isRecord(block)) return undefined;
  if (typeof block.text === 'string') return { type: 'text', content: block.text };
  if (isRecord(block.toolUse)) {
    const t = block.toolUse;
    return { type: 'tool_call', id: t.toolUseId, name: t.name, arguments: t.input };
  }
  if (isRecord(block.toolResult)) {
    const r = block.toolResult;
    return { type: 'tool_call_response', id: r.toolUseId, response: toolResultValue(r.content) };
  }
  if (isRecord(block.reasoningContent)) {
    const reasoning = block.reasoningContent.reasoningText;
    return { type: 'reasoning', content: isRecord(reasoning) ? reasoning.text : undefined };
  }
  if (isRecord(block.guardContent)) {
    const t = block.guardContent.text;
    return { type: 'text', content: isRecord(t) ? t.text : undefined };
  }
  if (block.cachePoint !== undefined) return undefined;
  for (const modality of ['image', 'video', 'audio', 'document'] as const) {
    const media = block[modality];
    if (isRecord(media)) return mediaPart(modality, media);
  }
  // A block kind added later: kept under its own name.
  const kind = Object.keys(block)[0];
  return kind === undefined ? undefined : { type: kind, content: block[kind] };
}

/** What a tool returned: its text, its one JSON value, or its parts. */
function toolResultValue(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const blocks = content as unknown[];
  if (blocks.length > 0 && blocks.every((b) => isRecord(b) && typeof b.text === 'string')) return blocks.map((b) => (b as { text: string }).text).join('');
  if (blocks.length === 1 && isRecord(blocks[0]) && blocks[0].json !== undefined) return blocks[0].json;
  return blocks.map((b) => (isRecord(b) && b.json !== undefined ? { type: 'json', content: b.json } : toPart(b)));
}

/** Media as the conventions' `uri` part (S3) or `blob` part (bytes, base64: the Invoke API sends them so already). */
function mediaPart(modality: 'image' | 'video' | 'audio' | 'document', media: Record<string, unknown>): MessagePart {
  const format = typeof media.format === 'string' ? media.format : undefined;
  const part: MessagePart = { type: 'blob', modality };
  if (format !== undefined) part.mime_type = `${modality === 'document' ? 'application' : modality}/${format}`;
  if (typeof media.name === 'string') part.name = media.name;
  const source = isRecord(media.source) ? media.source : {};
  const s3 = isRecord(source.s3Location) ? source.s3Location.uri : undefined;
  if (typeof s3 === 'string') return { ...part, type: 'uri', uri: s3 };
  const bytes = source.bytes;
  if (typeof bytes === 'string') part.content = bytes;
  else if (bytes instanceof Uint8Array) part.content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  else if (typeof source.text === 'string') part.content = source.text;
  return part;
}
