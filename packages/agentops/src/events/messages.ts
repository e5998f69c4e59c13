/**
 * Chat messages -> the GenAI semantic conventions' message JSON (`gen_ai.input.messages`,
 * `gen_ai.output.messages`): `[{ role, parts: [{ type: 'text', content }, { type: 'tool_call', id,
 * name, arguments }, ...] }]`. Accepts OpenAI (chat and responses) and Anthropic shapes, and
 * messages already in the conventions' shape. Never throws: whatever it cannot read is kept as JSON.
 */
import { safeJson } from '../serialize/safe-json';
import { truncate } from '../serialize/truncate';

export interface MessagePart {
  type: string;
  [key: string]: unknown;
}

export interface GenAIMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
  finish_reason?: string;
}

/** `gen_ai.input.messages` JSON for a prompt (string or messages). */
export function inputMessagesJson(prompt: unknown, limit: number): string | undefined {
  if (prompt === undefined || prompt === null) return undefined;
  // The common case, a plain string prompt, is built without intermediate objects.
  if (typeof prompt === 'string') return truncate(`[{"role":"user","parts":[{"type":"text","content":${JSON.stringify(prompt)}}]}]`, limit);
  // So is the next most common, a list of `{ role, content: string }` chat messages.
  const simple = Array.isArray(prompt) ? simpleMessagesJson(prompt, 'user') : undefined;
  if (simple !== undefined) return truncate(simple, limit);
  return safeJson(toMessages(prompt, 'user'), limit);
}

/**
 * The conventions' JSON for messages that are all exactly `{ role, content: string }`, built by
 * concatenation: the same text the general path gives, without its intermediate objects and
 * replacer (a hot path for every chat call). Undefined when any message has more to it.
 */
function simpleMessagesJson(messages: readonly unknown[], defaultRole: string): string | undefined {
  try {
    let out = '[';
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      if (m === null || typeof m !== 'object' || Array.isArray(m)) return undefined;
      for (const key in m) if (key !== 'role' && key !== 'content') return undefined;
      const { role, content } = m as { role?: unknown; content?: unknown };
      if (typeof content !== 'string' || (role !== undefined && typeof role !== 'string')) return undefined;
      if (i > 0) out += ',';
      out += `{"role":${JSON.stringify(role ?? defaultRole)},"parts":[{"type":"text","content":${JSON.stringify(content)}}]}`;
    }
    return `${out}]`;
  } catch {
    // A getter or proxy that throws: the general path copes with it.
    return undefined;
  }
}

/** `gen_ai.output.messages` JSON for a completion (string, message, or list of messages / choices). */
export function outputMessagesJson(completion: unknown, finishReasons: readonly string[] | undefined, limit: number): string | undefined {
  if (completion === undefined || completion === null) return undefined;
  if (typeof completion === 'string') {
    const fr = finishReasons?.[0];
    const tail = fr === undefined ? '' : `,"finish_reason":${JSON.stringify(fr)}`;
    return truncate(`[{"role":"assistant","parts":[{"type":"text","content":${JSON.stringify(completion)}}]${tail}}]`, limit);
  }
  const messages = toMessages(completion, 'assistant');
  if (finishReasons) {
    messages.forEach((m, i) => {
      const fr = finishReasons[i] ?? finishReasons[0];
      if (fr !== undefined && m.finish_reason === undefined) m.finish_reason = fr;
    });
  }
  return safeJson(messages, limit);
}

/** `gen_ai.system_instructions` JSON: a list of parts. */
export function systemInstructionsJson(value: unknown, limit: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return truncate(`[{"type":"text","content":${JSON.stringify(value)}}]`, limit);
  try {
    return safeJson(toParts(value), limit);
  } catch {
    return safeJson(value, limit);
  }
}

/** Any prompt/completion shape -> messages. */
export function toMessages(value: unknown, defaultRole: string): GenAIMessage[] {
  try {
    if (Array.isArray(value)) return value.map((m) => toMessage(m, defaultRole));
    if (isObject(value) && Array.isArray(value.choices)) {
      // A whole chat completion response: one output message per choice.
      return (value.choices as unknown[]).map((c) => {
        const choice = isObject(c) ? c : {};
        const msg = toMessage(choice.message ?? choice.text ?? choice.delta, defaultRole);
        if (typeof choice.finish_reason === 'string') msg.finish_reason = choice.finish_reason;
        return msg;
      });
    }
    return [toMessage(value, defaultRole)];
  } catch {
    return [{ role: defaultRole, parts: [{ type: 'text', content: safeJson(value, Number.MAX_SAFE_INTEGER) ?? '' }] }];
  }
}

function toMessage(m: unknown, defaultRole: string): GenAIMessage {
  if (typeof m === 'string') return { role: defaultRole, parts: [{ type: 'text', content: m }] };
  if (!isObject(m)) return { role: defaultRole, parts: [{ type: 'text', content: safeJson(m, Number.MAX_SAFE_INTEGER) ?? '' }] };
  const role = typeof m.role === 'string' ? m.role : m.type === 'function_call_output' ? 'tool' : defaultRole;
  const out: GenAIMessage = { role, parts: [] };
  if (typeof m.name === 'string') out.name = m.name;
  if (Array.isArray(m.parts)) {
    // Already in the conventions' shape.
    out.parts = (m.parts as unknown[]).map((p) => (isObject(p) && typeof p.type === 'string' ? (p as MessagePart) : { type: 'text', content: stringOf(p) }));
    if (typeof m.finish_reason === 'string') out.finish_reason = m.finish_reason;
    return out;
  }
  // OpenAI tool result message.
  if (role === 'tool' && typeof m.tool_call_id === 'string') {
    out.parts.push({ type: 'tool_call_response', id: m.tool_call_id, response: contentValue(m.content) });
    return out;
  }
  // OpenAI responses API items.
  if (m.type === 'function_call') {
    return { role: 'assistant', parts: [{ type: 'tool_call', id: m.call_id ?? m.id, name: m.name, arguments: parseArgs(m.arguments) }] };
  }
  if (m.type === 'function_call_output') {
    out.parts.push({ type: 'tool_call_response', id: m.call_id, response: m.output });
    return out;
  }
  out.parts.push(...toParts(m.content));
  if (Array.isArray(m.tool_calls)) {
    for (const tc of m.tool_calls as unknown[]) {
      if (!isObject(tc)) continue;
      const fn = isObject(tc.function) ? tc.function : {};
      out.parts.push({ type: 'tool_call', id: tc.id, name: fn.name ?? tc.name, arguments: parseArgs(fn.arguments ?? tc.arguments) });
    }
  }
  if (isObject(m.function_call)) {
    out.parts.push({ type: 'tool_call', name: m.function_call.name, arguments: parseArgs(m.function_call.arguments) });
  }
  if (typeof m.finish_reason === 'string') out.finish_reason = m.finish_reason;
  return out;
}

function toParts(content: unknown): MessagePart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [toPart(content)];
  return content.map(toPart);
}

function toPart(p: unknown): MessagePart {
  if (typeof p === 'string') return { type: 'text', content: p };
  if (!isObject(p)) return { type: 'text', content: stringOf(p) };
  switch (p.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return { type: 'text', content: typeof p.text === 'string' ? p.text : p.content };
    case 'image_url': {
      const url = isObject(p.image_url) ? p.image_url.url : p.image_url;
      return { type: 'uri', modality: 'image', uri: url };
    }
    case 'tool_use': // Anthropic
      return { type: 'tool_call', id: p.id, name: p.name, arguments: p.input };
    case 'tool_result': // Anthropic
      return { type: 'tool_call_response', id: p.tool_use_id, response: contentValue(p.content) };
    case 'thinking': // Anthropic extended thinking
      return { type: 'reasoning', content: p.thinking };
    default:
      return typeof p.type === 'string' ? (p as MessagePart) : { type: 'text', content: stringOf(p) };
  }
}

/** Tool call arguments arrive as JSON text; the conventions record them as a value when they parse. */
function parseArgs(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function contentValue(content: unknown): unknown {
  if (Array.isArray(content) && content.every((c) => isObject(c) && (c.type === 'text' || c.type === 'input_text'))) {
    return content.map((c) => (c as { text?: unknown }).text).join('');
  }
  return content;
}

function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : safeJson(v, Number.MAX_SAFE_INTEGER) ?? '';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}
