/**
 * Events -> span names, kinds and attributes, as DESIGN section 3 maps them (GenAI semantic
 * conventions, `agentops.*` for the rest). Content (prompts, completions, tool arguments and
 * results) is serialised only when capture is on; every other field is validated, and a bad one is
 * reported once per field and skipped, never thrown.
 */
import { SpanKind, type AttributeValue, type Span } from '@opentelemetry/api';
import type { SdkLogger } from '../log';
import { describeValue } from '../errors';
import { contentText, safeJson } from '../serialize/safe-json';
import { truncate } from '../serialize/truncate';
import * as A from '../semconv';
import type { ActionEvent } from './action-event';
import type { Event } from './event';
import type { LLMEvent } from './llm-event';
import { inputMessagesJson, outputMessagesJson, systemInstructionsJson } from './messages';
import type { ToolEvent } from './tool-event';

/** How content is recorded; built once per client. */
export interface ContentPolicy {
  readonly capture: boolean;
  /** Attribute value length limit (UTF-16 code units). */
  readonly limit: number;
  /** Redaction and the user's `mask`, applied to each captured content string; identity when absent. */
  readonly transform: ((text: string, key: string) => string) | undefined;
  readonly logger: SdkLogger;
}

export function eventSpanName(e: Event): string {
  switch (e.eventType) {
    case 'llm': {
      const l = e as LLMEvent;
      const op = typeof l.operation === 'string' && l.operation ? l.operation : A.GEN_AI_OPERATION_CHAT;
      return typeof l.model === 'string' && l.model ? `${op} ${l.model}` : op;
    }
    case 'tool': {
      const name = (e as ToolEvent).name;
      return typeof name === 'string' && name ? `${A.GEN_AI_OPERATION_EXECUTE_TOOL} ${name}` : A.GEN_AI_OPERATION_EXECUTE_TOOL;
    }
    case 'action': {
      const t = (e as ActionEvent).actionType;
      return typeof t === 'string' && t ? `action ${t}` : 'action';
    }
    default:
      return 'error';
  }
}

export function eventSpanKind(e: Event): SpanKind {
  return e.eventType === 'llm' ? SpanKind.CLIENT : SpanKind.INTERNAL;
}

/** Attributes known when the work starts. */
export function setStartAttributes(span: Span, e: Event, p: ContentPolicy): void {
  span.setAttribute(A.AGENTOPS_EVENT_TYPE, e.eventType);
  span.setAttribute(A.AGENTOPS_EVENT_ID, e.id);
  switch (e.eventType) {
    case 'llm':
      llmStart(span, e as LLMEvent, p);
      break;
    case 'tool':
      toolStart(span, e as ToolEvent, p);
      break;
    case 'action':
      actionStart(span, e as ActionEvent, p);
      break;
    default:
      break;
  }
  if (e.attributes !== undefined) setCustomAttributes(span, e.attributes, p, `${className(e)}.attributes`);
}

/** Attributes known when the work ends. */
export function setEndAttributes(span: Span, e: Event, p: ContentPolicy): void {
  switch (e.eventType) {
    case 'llm':
      llmEnd(span, e as LLMEvent, p);
      break;
    case 'tool':
      if (p.capture) setContent(span, A.GEN_AI_TOOL_CALL_RESULT, e.returns, p);
      break;
    case 'action':
      if (p.capture) {
        setContent(span, A.AGENTOPS_ACTION_RETURNS, e.returns, p);
        setContent(span, A.AGENTOPS_ACTION_LOGS, (e as ActionEvent).logs, p);
      }
      break;
    default:
      break;
  }
}

function llmStart(span: Span, e: LLMEvent, p: ContentPolicy): void {
  const op = attr(p, 'LLMEvent.operation', A.GEN_AI_OPERATION_NAME, e.operation) ?? A.GEN_AI_OPERATION_CHAT;
  span.setAttribute(A.GEN_AI_OPERATION_NAME, op);
  const model = attr(p, 'LLMEvent.model', A.GEN_AI_REQUEST_MODEL, e.model);
  const provider = attr(p, 'LLMEvent.provider', A.GEN_AI_PROVIDER_NAME, e.provider) ?? (model === undefined ? undefined : inferProvider(model));
  if (provider !== undefined) span.setAttribute(A.GEN_AI_PROVIDER_NAME, provider);
  if (model !== undefined) span.setAttribute(A.GEN_AI_REQUEST_MODEL, model);
  const conv = attr(p, 'LLMEvent.conversationId', A.GEN_AI_CONVERSATION_ID, e.conversationId);
  if (conv !== undefined) span.setAttribute(A.GEN_AI_CONVERSATION_ID, conv);
  const params = e.params;
  if (params !== undefined && params !== null) {
    if (typeof params !== 'object') invalid(p, 'LLMEvent.params', 'an object', params);
    else setRequestParams(span, params as Record<string, unknown>, p);
  }
  if (p.capture) {
    setJson(span, A.GEN_AI_INPUT_MESSAGES, inputMessagesJson(e.prompt, p.limit), p);
    setJson(span, A.GEN_AI_SYSTEM_INSTRUCTIONS, systemInstructionsJson(e.systemInstructions, p.limit), p);
  }
}

function llmEnd(span: Span, e: LLMEvent, p: ContentPolicy): void {
  const rid = attr(p, 'LLMEvent.responseId', A.GEN_AI_RESPONSE_ID, e.responseId);
  if (rid !== undefined) span.setAttribute(A.GEN_AI_RESPONSE_ID, rid);
  // Only what the caller knows: a provider may answer with another model (a dated snapshot).
  const rmodel = attr(p, 'LLMEvent.responseModel', A.GEN_AI_RESPONSE_MODEL, e.responseModel);
  if (rmodel !== undefined) span.setAttribute(A.GEN_AI_RESPONSE_MODEL, rmodel);
  const fr = finishReasons(p, e.finishReasons);
  if (fr !== undefined) span.setAttribute(A.GEN_AI_RESPONSE_FINISH_REASONS, fr);
  count(span, p, 'LLMEvent.promptTokens', A.GEN_AI_USAGE_INPUT_TOKENS, e.promptTokens);
  count(span, p, 'LLMEvent.completionTokens', A.GEN_AI_USAGE_OUTPUT_TOKENS, e.completionTokens);
  count(span, p, 'LLMEvent.cachedTokens', A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, e.cachedTokens);
  count(span, p, 'LLMEvent.cacheCreationTokens', A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, e.cacheCreationTokens);
  count(span, p, 'LLMEvent.reasoningTokens', A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, e.reasoningTokens);
  count(span, p, 'LLMEvent.embeddingDimensions', A.GEN_AI_EMBEDDINGS_DIMENSION_COUNT, e.embeddingDimensions);
  if (e.timeToFirstChunk !== undefined) {
    if (typeof e.timeToFirstChunk === 'number' && Number.isFinite(e.timeToFirstChunk) && e.timeToFirstChunk >= 0) {
      span.setAttribute(A.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, e.timeToFirstChunk);
    } else invalid(p, 'LLMEvent.timeToFirstChunk', 'a non-negative number of seconds', e.timeToFirstChunk);
  }
  if (e.cost !== undefined) {
    if (typeof e.cost === 'number' && Number.isFinite(e.cost) && e.cost >= 0) span.setAttribute(A.AGENTOPS_LLM_COST_USD, e.cost);
    else invalid(p, 'LLMEvent.cost', 'a non-negative number (USD)', e.cost);
  }
  if (p.capture) setJson(span, A.GEN_AI_OUTPUT_MESSAGES, outputMessagesJson(e.completion, fr, p.limit), p);
}

const PARAM_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ['temperature', A.GEN_AI_REQUEST_TEMPERATURE],
  ['max_tokens', A.GEN_AI_REQUEST_MAX_TOKENS],
  ['maxTokens', A.GEN_AI_REQUEST_MAX_TOKENS],
  ['max_completion_tokens', A.GEN_AI_REQUEST_MAX_TOKENS],
  ['max_output_tokens', A.GEN_AI_REQUEST_MAX_TOKENS],
  ['top_p', A.GEN_AI_REQUEST_TOP_P],
  ['topP', A.GEN_AI_REQUEST_TOP_P],
  ['top_k', A.GEN_AI_REQUEST_TOP_K],
  ['topK', A.GEN_AI_REQUEST_TOP_K],
  ['frequency_penalty', A.GEN_AI_REQUEST_FREQUENCY_PENALTY],
  ['frequencyPenalty', A.GEN_AI_REQUEST_FREQUENCY_PENALTY],
  ['presence_penalty', A.GEN_AI_REQUEST_PRESENCE_PENALTY],
  ['presencePenalty', A.GEN_AI_REQUEST_PRESENCE_PENALTY],
  ['seed', A.GEN_AI_REQUEST_SEED],
  ['n', A.GEN_AI_REQUEST_CHOICE_COUNT],
];

const PARAM_MAP = new Map<string, string>(PARAM_ATTRIBUTES);
const STOP_KEYS = new Set(['stop', 'stopSequences', 'stop_sequences']);

function setRequestParams(span: Span, params: Record<string, unknown>, p: ContentPolicy): void {
  let keys: string[];
  try {
    keys = Object.keys(params);
  } catch {
    return;
  }
  // The keys the caller gave (usually two or three), not every name we know.
  for (const key of keys) {
    let v: unknown;
    try {
      v = params[key];
    } catch {
      continue;
    }
    if (v === undefined || v === null) continue;
    const attr = PARAM_MAP.get(key);
    if (attr !== undefined) {
      if (typeof v === 'number' && Number.isFinite(v)) span.setAttribute(attr, v);
      else invalid(p, `LLMEvent.params.${key}`, 'a finite number', v);
    } else if (STOP_KEYS.has(key)) {
      if (typeof v === 'string') span.setAttribute(A.GEN_AI_REQUEST_STOP_SEQUENCES, [v]);
      else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) span.setAttribute(A.GEN_AI_REQUEST_STOP_SEQUENCES, v as string[]);
    } else if (key === 'stream' && typeof v === 'boolean') {
      span.setAttribute(A.GEN_AI_REQUEST_STREAM, v);
    }
  }
}

function toolStart(span: Span, e: ToolEvent, p: ContentPolicy): void {
  span.setAttribute(A.GEN_AI_OPERATION_NAME, A.GEN_AI_OPERATION_EXECUTE_TOOL);
  const name = attr(p, 'ToolEvent.name', A.GEN_AI_TOOL_NAME, e.name);
  if (name !== undefined) span.setAttribute(A.GEN_AI_TOOL_NAME, name);
  const id = attr(p, 'ToolEvent.toolCallId', A.GEN_AI_TOOL_CALL_ID, e.toolCallId);
  if (id !== undefined) span.setAttribute(A.GEN_AI_TOOL_CALL_ID, id);
  const type = attr(p, 'ToolEvent.toolType', A.GEN_AI_TOOL_TYPE, e.toolType);
  if (type !== undefined) span.setAttribute(A.GEN_AI_TOOL_TYPE, type);
  const desc = attr(p, 'ToolEvent.description', A.GEN_AI_TOOL_DESCRIPTION, e.description);
  if (desc !== undefined) span.setAttribute(A.GEN_AI_TOOL_DESCRIPTION, desc);
  if (p.capture) setContent(span, A.GEN_AI_TOOL_CALL_ARGUMENTS, e.params, p);
}

function actionStart(span: Span, e: ActionEvent, p: ContentPolicy): void {
  const t = attr(p, 'ActionEvent.actionType', A.AGENTOPS_ACTION_TYPE, e.actionType);
  if (t !== undefined) span.setAttribute(A.AGENTOPS_ACTION_TYPE, t);
  if (p.capture) setContent(span, A.AGENTOPS_ACTION_PARAMS, e.params, p);
}

/** Custom attributes: primitives and homogeneous primitive arrays as they are, anything else as JSON. */
export function setCustomAttributes(span: Span, attrs: unknown, p: ContentPolicy, field: string): void {
  if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) {
    invalid(p, field, 'an object', attrs);
    return;
  }
  let keys: string[];
  try {
    keys = Object.keys(attrs);
  } catch {
    invalid(p, field, 'an object', attrs);
    return;
  }
  for (const k of keys) {
    let v: unknown;
    try {
      v = (attrs as Record<string, unknown>)[k];
    } catch {
      continue;
    }
    const av = toAttributeValue(v, p.limit);
    if (av !== undefined && k !== '') span.setAttribute(k, cleanValue(av, k, p));
  }
}

/** An attribute value with its strings cleaned (cleanText). */
export function cleanValue(v: AttributeValue, key: string, p: ContentPolicy): AttributeValue {
  if (typeof v === 'string') return cleanText(v, key, p);
  if (Array.isArray(v) && p.transform !== undefined && v.some((x) => typeof x === 'string')) {
    return (v as unknown[]).map((x) => (typeof x === 'string' ? cleanText(x, key, p) : x)) as AttributeValue;
  }
  return v;
}

export function toAttributeValue(v: unknown, limit: number): AttributeValue | undefined {
  switch (typeof v) {
    case 'string':
      return truncate(v, limit);
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'boolean':
      return v;
    case 'undefined':
      return undefined;
    case 'bigint':
      return v.toString();
    default:
      break;
  }
  if (Array.isArray(v) && v.length > 0) {
    const t = typeof v[0];
    if ((t === 'string' || t === 'boolean' || t === 'number') && v.every((x) => typeof x === t && (t !== 'number' || Number.isFinite(x)))) {
      return t === 'string' ? (v as string[]).map((s) => truncate(s, limit)) : (v as number[] | boolean[]);
    }
  }
  return safeJson(v, limit);
}

/** Records captured content (a string as is, anything else as JSON) through the policy's transform. Call only when `p.capture`. */
export function setContent(span: Span, key: string, value: unknown, p: ContentPolicy): void {
  if (value === undefined) return;
  setJson(span, key, contentText(value, p.limit), p);
}

/**
 * Any string the SDK exports that is not captured content (a tag, an end reason, a status message,
 * a log line, a custom attribute): cut to the length limit, then through the redactor and the
 * user's mask, whatever the capture setting, so a secret never leaves the process through it.
 */
export function cleanText(text: string, key: string, p: ContentPolicy): string {
  const cut = text.length > p.limit ? truncate(text, p.limit) : text;
  return p.transform ? p.transform(cut, key) : cut;
}

/** Records already-serialised content text through the policy's transform. Call only when `p.capture`. */
export function setJson(span: Span, key: string, text: string | undefined, p: ContentPolicy): void {
  if (text === undefined) return;
  span.setAttribute(key, p.transform ? p.transform(text, key) : text);
}

/** A string field that becomes the attribute `key`: cleaned like every string the SDK exports (cleanText). */
function attr(p: ContentPolicy, field: string, key: string, v: unknown): string | undefined {
  const s = str(p, field, v);
  return s === undefined ? undefined : cleanText(s, key, p);
}

function str(p: ContentPolicy, field: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v === '' ? undefined : v;
  invalid(p, field, 'a string', v);
  return undefined;
}

function count(span: Span, p: ContentPolicy, field: string, attr: string, v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) span.setAttribute(attr, v);
  else invalid(p, field, 'a non-negative integer', v);
}

function finishReasons(p: ContentPolicy, v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  invalid(p, 'LLMEvent.finishReasons', 'a string or an array of strings', v);
  return undefined;
}

export function invalid(p: ContentPolicy, field: string, expected: string, value: unknown): void {
  p.logger.once(`field:${field}`, 'warn', `${field} must be ${expected}; got ${describeValue(value)}. The field is skipped, the event is recorded (reported once per field)`);
}

function className(e: Event): string {
  return e.eventType === 'llm' ? 'LLMEvent' : e.eventType === 'tool' ? 'ToolEvent' : e.eventType === 'action' ? 'ActionEvent' : 'ErrorEvent';
}

/** `gen_ai.provider.name` for well-known model families, so metrics can group by provider. */
export function inferProvider(model: string): string | undefined {
  const m = model.toLowerCase();
  if (/^(gpt-|o\d|chatgpt|text-embedding|davinci|babbage|dall-e|whisper|tts-|omni-|computer-use)/.test(m)) return 'openai';
  if (m.startsWith('claude')) return 'anthropic';
  if (/^(gemini|gemma|text-bison|chat-bison)/.test(m)) return 'gcp.gemini';
  if (/^(mistral|mixtral|codestral|ministral|pixtral|magistral)/.test(m)) return 'mistral_ai';
  if (/^(command|embed-(english|multilingual))/.test(m)) return 'cohere';
  if (m.startsWith('deepseek')) return 'deepseek';
  if (m.startsWith('grok')) return 'x_ai';
  return undefined;
}
