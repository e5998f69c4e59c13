/**
 * Gemini contents and parts -> the GenAI semantic conventions' messages and parts, for
 * `gen_ai.input.messages`, `gen_ai.output.messages` and `gen_ai.system_instructions`. The SDK takes
 * a prompt in several shapes (a string, a part, a list of parts, a content `{ role, parts }` or a
 * list of contents); each becomes what the model receives. Roles: `model` is `assistant`, and a
 * turn that only carries function responses is `tool`. Called only when content capture is on.
 */
import type { GenAIMessage, MessagePart } from '../../events/messages';
import { isRecord } from '../shared/llm-adapter';

/** A prompt: a string as it is (the cheapest shape to record), anything else as messages. */
export function promptOf(contents: unknown): string | GenAIMessage[] | undefined {
  if (contents === undefined || contents === null) return undefined;
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents)) {
    // A list of contents is a conversation; a list of parts is one user turn.
    if (contents.some(isContent)) return contents.map((c) => (isContent(c) ? messageOf(c, 'user') : { role: 'user', parts: [partOf(c)] }));
    return [{ role: 'user', parts: contents.map(partOf) }];
  }
  return [isContent(contents) ? messageOf(contents, 'user') : { role: 'user', parts: [partOf(contents)] }];
}

/** Embedding inputs: each string, part or content of a list is an input of its own. */
export function embedInputsOf(contents: unknown): string | GenAIMessage[] | undefined {
  if (!Array.isArray(contents)) return promptOf(contents);
  return contents.map((c) => (isContent(c) ? messageOf(c, 'user') : { role: 'user', parts: [partOf(c)] }));
}

/** `config.systemInstruction` (a string, a part, a list of parts or a content) -> its parts. */
export function systemPartsOf(instruction: unknown): string | MessagePart[] | undefined {
  if (instruction === undefined || instruction === null) return undefined;
  if (typeof instruction === 'string') return instruction;
  if (Array.isArray(instruction)) return instruction.map(partOf);
  if (isContent(instruction)) return (instruction.parts as unknown[]).map(partOf);
  return [partOf(instruction)];
}

export function isContent(v: unknown): v is { role?: unknown; parts: unknown[] } {
  return isRecord(v) && Array.isArray(v.parts);
}

export function messageOf(content: { role?: unknown; parts: unknown[] }, defaultRole: string): GenAIMessage {
  const parts = content.parts.map(partOf);
  return { role: roleOf(content.role, parts, defaultRole), parts };
}

function roleOf(role: unknown, parts: MessagePart[], defaultRole: string): string {
  if (role === 'model') return 'assistant';
  if (role === 'function' || (parts.length > 0 && parts.every((p) => p.type === 'tool_call_response'))) return 'tool';
  return typeof role === 'string' && role !== '' ? role : defaultRole;
}

/** One Gemini part -> a conventions part. `thoughtSignature` (opaque bytes for the model) is left out. */
export function partOf(p: unknown): MessagePart {
  if (typeof p === 'string') return { type: 'text', content: p };
  if (!isRecord(p)) return { type: 'text', content: String(p) };
  if (typeof p.text === 'string') return { type: p.thought === true ? 'reasoning' : 'text', content: p.text };
  const call = p.functionCall;
  if (isRecord(call)) return withId({ type: 'tool_call', name: call.name, arguments: call.args }, call.id);
  const response = p.functionResponse;
  if (isRecord(response)) return withId({ type: 'tool_call_response', name: response.name, response: response.response }, response.id);
  const inline = p.inlineData;
  if (isRecord(inline)) return { type: 'blob', modality: modalityOf(inline.mimeType), mime_type: inline.mimeType, content: inline.data };
  const file = p.fileData;
  if (isRecord(file)) return { type: 'uri', modality: modalityOf(file.mimeType), mime_type: file.mimeType, uri: file.fileUri };
  if (isRecord(p.executableCode)) return { type: 'executable_code', ...p.executableCode };
  if (isRecord(p.codeExecutionResult)) return { type: 'code_execution_result', ...p.codeExecutionResult };
  const { thoughtSignature: _signature, ...rest } = p;
  void _signature;
  return { type: 'unknown', content: rest };
}

function withId(part: MessagePart, id: unknown): MessagePart {
  if (typeof id === 'string' && id !== '') part.id = id;
  return part;
}

/** The conventions' modality of a MIME type: `image`, `video` or `audio`, else the type itself. */
function modalityOf(mime: unknown): string | undefined {
  if (typeof mime !== 'string') return undefined;
  const top = mime.slice(0, mime.indexOf('/'));
  return top === 'image' || top === 'video' || top === 'audio' ? top : mime;
}
