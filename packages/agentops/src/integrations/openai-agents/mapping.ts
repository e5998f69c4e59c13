/**
 * How the OpenAI Agents SDK's values become agentops fields: a model request and its response (the
 * SDK's `ModelRequest` / `ModelResponse`, whatever model class answered) as an LLMEvent, usage in
 * the SDK's camelCase or the API's snake_case, and the SDK's span errors (`{ message, data }`).
 */
import { LLMEvent, type LLMParams } from '../../events/llm-event';
import { isRecord } from '../shared/llm-adapter';

type Json = Record<string, unknown>;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Input and output tokens from `{ inputTokens, outputTokens }` (the SDK's Usage) or `{ input_tokens, output_tokens }`. */
export function usageOf(u: unknown): { input: number | undefined; output: number | undefined; cached: number | undefined } {
  if (!isRecord(u)) return { input: undefined, output: undefined, cached: undefined };
  const details = isRecord(u.input_tokens_details) ? u.input_tokens_details : isRecord(u.inputTokensDetails) ? u.inputTokensDetails : undefined;
  return {
    input: num(u.inputTokens) ?? num(u.input_tokens) ?? num(u.prompt_tokens),
    output: num(u.outputTokens) ?? num(u.output_tokens) ?? num(u.completion_tokens),
    cached: details === undefined ? undefined : num(details.cached_tokens),
  };
}

/** A tool call's arguments: the JSON the model sent, parsed when it parses. */
export function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/**
 * The error an SDK span reports (`span.setError({ message, data })`), as an Error for the span's
 * status and `exception` event. A failed tool's span carries `String(error)` in `data.error`
 * (`LookupError: orders database offline`): its class name becomes `error.type`.
 */
function spanError(message: string, name: string): Error {
  // A plain Error with the name set: `error.type` is read from the name when the class is Error.
  const err = new Error(message);
  err.name = name;
  return err;
}

const ERROR_STRING = /^([A-Za-z_$][\w$]*): ([\s\S]*)$/;

export function agentsError(e: { message?: unknown; data?: unknown }): Error {
  const detail = isRecord(e.data) && typeof e.data.error === 'string' ? ERROR_STRING.exec(e.data.error) : null;
  if (detail !== null) return spanError(detail[2]!, detail[1]!);
  return spanError(typeof e.message === 'string' ? e.message : 'error', 'AgentsSpanError');
}

const PARAMS: ReadonlyArray<[string, keyof LLMParams]> = [
  ['temperature', 'temperature'],
  ['topP', 'top_p'],
  ['maxTokens', 'max_tokens'],
  ['frequencyPenalty', 'frequency_penalty'],
  ['presencePenalty', 'presence_penalty'],
];

/** The LLMEvent of one model call, from the SDK's ModelRequest (content fields are recorded with capture only, by the recorder). */
export function requestEvent(model: string | undefined, request: unknown, stream: boolean): LLMEvent {
  const r = isRecord(request) ? request : {};
  const settings = isRecord(r.modelSettings) ? r.modelSettings : {};
  const params: LLMParams = { stream };
  for (const [from, to] of PARAMS) if (num(settings[from]) !== undefined) params[to] = settings[from] as number;
  return new LLMEvent({
    model,
    provider: 'openai',
    prompt: r.input,
    systemInstructions: typeof r.systemInstructions === 'string' && r.systemInstructions !== '' ? r.systemInstructions : undefined,
    params,
    conversationId: typeof r.conversationId === 'string' ? r.conversationId : undefined,
  });
}

/** Fills the event from the SDK's ModelResponse (`{ usage, output, responseId, providerData }`). */
export function fillResponse(event: LLMEvent, response: unknown): void {
  if (!isRecord(response)) return;
  const u = usageOf(response.usage);
  event.promptTokens = u.input;
  event.completionTokens = u.output;
  if (u.cached !== undefined) event.cachedTokens = u.cached;
  const id = typeof response.responseId === 'string' ? response.responseId : response.id;
  if (typeof id === 'string') event.responseId = id;
  const raw = isRecord(response.providerData) ? response.providerData : undefined;
  if (raw !== undefined && typeof raw.model === 'string') {
    event.responseModel = raw.model;
    event.model ??= raw.model;
  }
  if (raw !== undefined && event.cachedTokens === undefined) event.cachedTokens = usageOf(raw.usage).cached;
  if (response.output !== undefined) event.completion = response.output;
}
