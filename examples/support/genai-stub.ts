/**
 * The Gemini API (`generativelanguage.googleapis.com`) as the loopback stub answers it, so the real
 * `@google/genai` client runs with no network or key: `new GoogleGenAI({ apiKey: 'test', httpOptions:
 * { baseUrl: stub.url } })`. It answers `models/{model}:generateContent`, `:streamGenerateContent`
 * (server-sent events, `?alt=sse`) and `:batchEmbedContents` with the shapes the
 * real API returns (camelCase JSON, `usageMetadata`, `modelVersion`, `responseId`): an echo of the
 * last user text, a call of the first declared function, or (after a function response) what the
 * function returned; and the errors it returns (`{ error: { code, message, status } }`).
 */
import type { SseEvent, StubReply } from './llm-stub';

type Json = Record<string, unknown>;

export interface GeminiUsage {
  prompt: number;
  candidates: number;
  cached?: number;
  thoughts?: number;
  toolUse?: number;
}

export interface GeminiOptions {
  model: string;
  text?: string;
  /** A thought summary, sent before the text as a `thought: true` part. */
  thought?: string;
  functionCall?: { name: string; args: Json; id?: string };
  finishReason?: string;
  usage?: GeminiUsage;
  responseId?: string;
}

const DEFAULT_USAGE: GeminiUsage = { prompt: 12, candidates: 7 };

function usageMetadata(u: GeminiUsage, final = true): Json {
  const out: Json = { promptTokenCount: u.prompt, promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.prompt }] };
  if (u.cached !== undefined) out.cachedContentTokenCount = u.cached;
  if (u.toolUse !== undefined) out.toolUsePromptTokenCount = u.toolUse;
  if (final) {
    out.candidatesTokenCount = u.candidates;
    if (u.thoughts !== undefined) out.thoughtsTokenCount = u.thoughts;
  }
  out.totalTokenCount = u.prompt + (u.toolUse ?? 0) + (final ? u.candidates + (u.thoughts ?? 0) : 0);
  return out;
}

function partsOf(o: GeminiOptions): Json[] {
  const parts: Json[] = [];
  if (o.thought !== undefined) parts.push({ text: o.thought, thought: true });
  if (o.text !== undefined) parts.push({ text: o.text });
  if (o.functionCall) parts.push({ functionCall: { ...(o.functionCall.id ? { id: o.functionCall.id } : {}), name: o.functionCall.name, args: o.functionCall.args }, thoughtSignature: 'c2lnbmF0dXJl' });
  return parts;
}

/** A `generateContent` response body. */
export function geminiResponse(o: GeminiOptions): Json {
  return {
    candidates: [{ content: { parts: partsOf(o), role: 'model' }, finishReason: o.finishReason ?? 'STOP', index: 0 }],
    usageMetadata: usageMetadata(o.usage ?? DEFAULT_USAGE),
    modelVersion: o.model,
    responseId: o.responseId ?? 'resp-gemini-stub1',
  };
}

/**
 * The server-sent events of `streamGenerateContent?alt=sse` for the same answer: the thought, then
 * the text word by word, then the function call, each chunk with the usage so far; the last one
 * carries the finish reason and the final usage.
 */
export function geminiChunks(o: GeminiOptions): SseEvent[] {
  const usage = o.usage ?? DEFAULT_USAGE;
  const pieces: Json[] = [];
  if (o.thought !== undefined) pieces.push({ text: o.thought, thought: true });
  for (const word of o.text?.match(/\S+\s*/g) ?? []) pieces.push({ text: word });
  if (o.functionCall) pieces.push(partsOf({ model: o.model, functionCall: o.functionCall })[0]!);
  return pieces.map((part, i) => {
    const last = i === pieces.length - 1;
    const candidate: Json = { content: { parts: [part], role: 'model' }, index: 0 };
    if (last) candidate.finishReason = o.finishReason ?? 'STOP';
    return { data: { candidates: [candidate], usageMetadata: usageMetadata(usage, last), modelVersion: o.model, responseId: o.responseId ?? 'resp-gemini-stub1' } };
  });
}

/** A `batchEmbedContents` (Gemini API) response: one vector of `dimensions` values per input. */
export function geminiEmbeddings(count: number, dimensions = 8): Json {
  const embeddings = Array.from({ length: count }, (_, index) => ({
    values: Array.from({ length: dimensions }, (_, i) => Math.round(Math.cos(index + i) * 1000) / 1000),
  }));
  return { embeddings };
}

const ERROR_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

/** An error reply as the Gemini API sends it. */
export function geminiError(status: number, message: string): StubReply {
  return { status, json: { error: { code: status, message, status: ERROR_STATUS[status] ?? 'UNKNOWN' } } };
}

const METHOD = /\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/;

/** The default answer to a Gemini API request, built from it; undefined for any other path. */
export function geminiReply(path: string, body: Json): StubReply | undefined {
  const m = METHOD.exec(path);
  if (m === null) return undefined;
  const model = m[1]!;
  const method = m[2]!;
  if (method === 'batchEmbedContents') return { json: geminiEmbeddings(Array.isArray(body.requests) ? body.requests.length : 1) };
  const contents = Array.isArray(body.contents) ? (body.contents as Json[]) : [];
  const text = lastUserText(contents);
  const declared = functionDeclarations(body.tools);
  const answer = lastParts(contents).find((p) => p.functionResponse !== undefined)?.functionResponse as Json | undefined;
  let options: GeminiOptions;
  if (answer !== undefined) options = { model, text: `${String(answer.name)} says: ${JSON.stringify(answer.response)}` };
  else if (declared !== undefined) options = { model, functionCall: functionCallFor(declared, text) };
  else options = { model, text: `You said: ${text}` };
  return method === 'streamGenerateContent' ? { sse: geminiChunks(options) } : { json: geminiResponse(options) };
}

function lastParts(contents: Json[]): Json[] {
  const last = contents[contents.length - 1];
  return Array.isArray(last?.parts) ? (last.parts as Json[]) : [];
}

function lastUserText(contents: Json[]): string {
  for (let i = contents.length - 1; i >= 0; i--) {
    const c = contents[i]!;
    if (c.role !== undefined && c.role !== 'user') continue;
    const t = (Array.isArray(c.parts) ? (c.parts as Json[]) : []).find((p) => typeof p.text === 'string');
    if (t) return t.text as string;
  }
  return '';
}

function functionDeclarations(tools: unknown): Json | undefined {
  if (!Array.isArray(tools)) return undefined;
  for (const t of tools as Json[]) {
    const decls = t.functionDeclarations;
    if (Array.isArray(decls) && decls.length > 0) return decls[0] as Json;
  }
  return undefined;
}

/** A call of the declared function, filling its first parameter with the user's text. */
function functionCallFor(decl: Json, text: string): { name: string; args: Json } {
  const schema = (decl.parameters ?? decl.parametersJsonSchema) as Json | undefined;
  const props = schema?.properties as Json | undefined;
  const key = props ? Object.keys(props)[0] ?? 'input' : 'input';
  return { name: String(decl.name ?? 'tool'), args: { [key]: text } };
}
