/**
 * Google GenAI (`@google/genai`) request and response shapes -> LLMEvent fields, for
 * `generateContent`, its streamed form and `embedContent`. A streamed answer is assembled from its
 * chunks as the user reads them; content is kept only when capture is on.
 *
 * Usage, as the conventions count it: input is the prompt plus the tool-use prompt (both billed as
 * input; the prompt count already includes the cached part), output is the candidates plus the
 * thinking tokens (billed as output, as OpenAI counts reasoning in its completion tokens), with the
 * thinking tokens also given on their own and the cached ones as `cache_read`.
 */
import type { GenAIMessage, MessagePart } from '../../events/messages';
import type { LLMEvent, LLMEventInit, LLMParams } from '../../events/llm-event';
import { isRecord, num, str, type LLMAdapter, type StreamAccumulator } from '../shared/llm-adapter';
import { embedInputsOf, isContent, messageOf, partOf, promptOf, systemPartsOf } from './contents';

export type GenAIOperation = 'chat' | 'embeddings';

/** `gen_ai.provider.name`: the Gemini Developer API, Vertex AI, or a Google endpoint we cannot tell. */
export type GooglePlatform = 'gcp.gemini' | 'gcp.vertex_ai' | 'gcp.gen_ai';

/** `models/gemini-2.5-flash` and `publishers/google/models/gemini-2.5-flash` name the model `gemini-2.5-flash`. */
export function modelId(model: unknown): string | undefined {
  if (typeof model !== 'string' || model === '') return undefined;
  if (model.startsWith('models/')) return model.slice(7);
  const i = model.lastIndexOf('/models/');
  return i === -1 ? model : model.slice(i + 8);
}

/** The LLMEvent fields a request gives: model, parameters from `config`, and (capture only) the input. */
export function genAIRequestEvent(op: GenAIOperation, params: Record<string, unknown>, provider: GooglePlatform, streamed: boolean, capture: boolean): LLMEventInit {
  const config = isRecord(params.config) ? params.config : undefined;
  const init: LLMEventInit = { provider, operation: op, model: modelId(params.model) };
  if (op === 'embeddings') {
    if (capture) init.prompt = embedInputsOf(params.contents);
    return init;
  }
  init.params = requestParams(config, streamed);
  if (capture) {
    init.prompt = promptOf(params.contents);
    if (config !== undefined) init.systemInstructions = systemPartsOf(config.systemInstruction);
  }
  return init;
}

/** The request parameters the conventions name, under the names the span mapping knows. */
function requestParams(config: Record<string, unknown> | undefined, streamed: boolean): LLMParams | undefined {
  if (config === undefined) return streamed ? { stream: true } : undefined;
  const p: LLMParams = {};
  if (config.temperature !== undefined) p.temperature = config.temperature as number;
  if (config.topP !== undefined) p.topP = config.topP as number;
  if (config.topK !== undefined) p.topK = config.topK as number;
  if (config.maxOutputTokens !== undefined) p.max_tokens = config.maxOutputTokens as number;
  if (config.stopSequences !== undefined) p.stopSequences = config.stopSequences as string[];
  if (config.seed !== undefined) p.seed = config.seed as number;
  if (config.candidateCount !== undefined) p.n = config.candidateCount as number;
  if (config.presencePenalty !== undefined) p.presencePenalty = config.presencePenalty as number;
  if (config.frequencyPenalty !== undefined) p.frequencyPenalty = config.frequencyPenalty as number;
  if (streamed) p.stream = true;
  return p;
}

/** Gemini's finish reasons, in the conventions' words where they have one (`stop`, `length`), else lower-cased. */
export function finishReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string' || reason === '') return undefined;
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  return reason.toLowerCase();
}

function usageInto(event: LLMEvent, usage: unknown): void {
  if (!isRecord(usage)) return;
  const prompt = num(usage.promptTokenCount);
  const toolUse = num(usage.toolUsePromptTokenCount);
  if (prompt !== undefined || toolUse !== undefined) event.promptTokens = (prompt ?? 0) + (toolUse ?? 0);
  const candidates = num(usage.candidatesTokenCount);
  const thoughts = num(usage.thoughtsTokenCount);
  if (candidates !== undefined || thoughts !== undefined) event.completionTokens = (candidates ?? 0) + (thoughts ?? 0);
  if (thoughts !== undefined) event.reasoningTokens = thoughts;
  const cached = num(usage.cachedContentTokenCount);
  if (cached !== undefined) event.cachedTokens = cached;
}

function responseIds(event: LLMEvent, r: Record<string, unknown>): void {
  event.responseId = str(r.responseId) ?? event.responseId;
  event.responseModel = modelId(r.modelVersion) ?? event.responseModel;
}

/** The text of a one-candidate answer that is only text: recorded as a string, the output JSON is built without intermediate objects. */
function onlyText(candidates: unknown[]): string | undefined {
  if (candidates.length !== 1) return undefined;
  const c = candidates[0];
  const content = isRecord(c) ? c.content : undefined;
  if (!isContent(content) || content.parts.length === 0) return undefined;
  let text = '';
  for (const p of content.parts) {
    if (!isRecord(p) || typeof p.text !== 'string' || p.thought === true) return undefined;
    text += p.text;
  }
  return text;
}

function outputMessages(candidates: unknown[]): GenAIMessage[] {
  return candidates.map((c) => {
    const cand = isRecord(c) ? c : {};
    const msg: GenAIMessage = isContent(cand.content) ? messageOf(cand.content, 'assistant') : { role: 'assistant', parts: [] };
    const fr = finishReason(cand.finishReason);
    if (fr !== undefined) msg.finish_reason = fr;
    return msg;
  });
}

export const generateContentAdapter: LLMAdapter = {
  response(event, body, capture) {
    if (!isRecord(body)) return;
    responseIds(event, body);
    usageInto(event, body.usageMetadata);
    const candidates = Array.isArray(body.candidates) ? (body.candidates as unknown[]) : [];
    const reasons: string[] = [];
    for (const c of candidates) {
      const fr = isRecord(c) ? finishReason(c.finishReason) : undefined;
      if (fr !== undefined) reasons.push(fr);
    }
    if (reasons.length > 0) event.finishReasons = reasons;
    if (capture && candidates.length > 0) event.completion = onlyText(candidates) ?? outputMessages(candidates);
  },
  stream: (capture) => new GenerateContentChunks(capture),
};

interface CandidateParts {
  role: string;
  parts: MessagePart[];
  finish: string | undefined;
}

/**
 * Streamed `GenerateContentResponse` chunks. Each carries the next piece of each candidate (text
 * deltas, whole function calls) and the usage so far; the last one the finish reason and the final
 * usage. Consecutive text (or thought) pieces are joined into one part.
 */
class GenerateContentChunks implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private usage: unknown;
  private readonly candidates: CandidateParts[] = [];

  constructor(private readonly capture: boolean) {}

  add(chunk: unknown): void {
    if (!isRecord(chunk)) return;
    this.id ??= str(chunk.responseId);
    this.model ??= modelId(chunk.modelVersion);
    if (isRecord(chunk.usageMetadata)) this.usage = chunk.usageMetadata;
    const candidates = chunk.candidates;
    if (!Array.isArray(candidates)) return;
    for (let i = 0; i < candidates.length; i++) {
      const c: unknown = candidates[i];
      if (!isRecord(c)) continue;
      const index = typeof c.index === 'number' ? c.index : i;
      let acc = this.candidates[index];
      if (acc === undefined) {
        acc = { role: 'assistant', parts: [], finish: undefined };
        this.candidates[index] = acc;
      }
      acc.finish = finishReason(c.finishReason) ?? acc.finish;
      if (this.capture && isContent(c.content)) for (const p of c.content.parts) append(acc.parts, partOf(p));
    }
  }

  apply(event: LLMEvent, capture: boolean): void {
    if (this.id !== undefined) event.responseId = this.id;
    if (this.model !== undefined) event.responseModel = this.model;
    usageInto(event, this.usage);
    const reasons: string[] = [];
    for (const c of this.candidates) if (c?.finish !== undefined) reasons.push(c.finish);
    if (reasons.length > 0) event.finishReasons = reasons;
    if (!capture || this.candidates.length === 0) return;
    const only = this.candidates.length === 1 ? this.candidates[0] : undefined;
    if (only !== undefined && only.parts.length === 1 && only.parts[0]!.type === 'text') {
      event.completion = only.parts[0]!.content;
      return;
    }
    event.completion = Array.from(this.candidates, (c) => {
      const msg: GenAIMessage = { role: 'assistant', parts: c?.parts ?? [] };
      if (c?.finish !== undefined) msg.finish_reason = c.finish;
      return msg;
    });
  }
}

function append(parts: MessagePart[], part: MessagePart): void {
  const last = parts[parts.length - 1];
  if (last !== undefined && last.type === part.type && (part.type === 'text' || part.type === 'reasoning') && typeof last.content === 'string') {
    last.content += String(part.content);
    return;
  }
  parts.push(part);
}

export const embedContentAdapter: LLMAdapter = {
  response(event, body) {
    if (!isRecord(body)) return;
    const embeddings = Array.isArray(body.embeddings) ? (body.embeddings as unknown[]) : [];
    const first = embeddings[0];
    if (isRecord(first) && Array.isArray(first.values)) event.embeddingDimensions = first.values.length;
    const usage = body.usageMetadata;
    const prompt = isRecord(usage) ? num(usage.promptTokenCount) : undefined;
    // Vertex AI counts the tokens of each input in its embedding's statistics instead.
    event.promptTokens = prompt ?? statisticsTokens(embeddings);
  },
  stream: () => ({ add() {}, apply() {} }),
};

function statisticsTokens(embeddings: unknown[]): number | undefined {
  let total: number | undefined;
  for (const e of embeddings) {
    const n = isRecord(e) && isRecord(e.statistics) ? num(e.statistics.tokenCount) : undefined;
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total;
}
