import { Event, readFields, type EventInit } from './event';

/** Request parameters of an LLM call; known names become `gen_ai.request.*` attributes. */
export interface LLMParams {
  temperature?: number;
  max_tokens?: number;
  maxTokens?: number;
  top_p?: number;
  topP?: number;
  top_k?: number;
  topK?: number;
  frequency_penalty?: number;
  frequencyPenalty?: number;
  presence_penalty?: number;
  presencePenalty?: number;
  stop?: string | string[];
  stopSequences?: string[];
  seed?: number;
  n?: number;
  stream?: boolean;
  [key: string]: unknown;
}

export interface LLMEventInit extends EventInit {
  /** Requested model, e.g. `gpt-4o`. */
  model?: string;
  /** `gen_ai.provider.name`: `openai`, `anthropic`, `gcp.gemini`, ... Inferred from well-known model names when absent. */
  provider?: string;
  /** `gen_ai.operation.name`: `chat` (default), `text_completion`, `embeddings`, ... */
  operation?: string;
  /** The input: a string, or chat messages (`{ role, content }`, OpenAI or Anthropic shaped). */
  prompt?: unknown;
  /** The output: a string, an assistant message, or a list of them. */
  completion?: unknown;
  /** Instructions given separately from the messages (Anthropic's `system`, say). */
  systemInstructions?: unknown;
  promptTokens?: number;
  completionTokens?: number;
  /** Input tokens served from the provider's cache. */
  cachedTokens?: number;
  /** Input tokens written to the provider's cache. */
  cacheCreationTokens?: number;
  reasoningTokens?: number;
  /** Cost in USD, when the caller knows it. */
  cost?: number;
  responseId?: string;
  /** Model that answered, when it differs from the requested one (`gpt-4o-2024-08-06`). */
  responseModel?: string;
  finishReasons?: string[] | string;
  params?: LLMParams;
  /** Conversation or thread the call belongs to (`gen_ai.conversation.id`). */
  conversationId?: string;
  /** Seconds from the request to the first streamed chunk (`gen_ai.response.time_to_first_chunk`). */
  timeToFirstChunk?: number;
  /** Length of each returned embedding vector (`gen_ai.embeddings.dimension.count`). */
  embeddingDimensions?: number;
}

/** One call to a language model: a CLIENT span `{operation} {model}`, e.g. `chat gpt-4o`. */
const LLM_FIELDS: ReadonlyArray<keyof LLMEventInit> = [
  'model', 'provider', 'operation', 'prompt', 'completion', 'systemInstructions', 'promptTokens', 'completionTokens', 'cachedTokens',
  'cacheCreationTokens', 'reasoningTokens', 'cost', 'responseId', 'responseModel', 'finishReasons', 'conversationId', 'timeToFirstChunk',
  'embeddingDimensions',
];

export class LLMEvent extends Event {
  readonly eventType = 'llm' as const;
  model: string | undefined;
  provider: string | undefined;
  operation: string | undefined;
  prompt: unknown;
  completion: unknown;
  systemInstructions: unknown;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  cachedTokens: number | undefined;
  cacheCreationTokens: number | undefined;
  reasoningTokens: number | undefined;
  cost: number | undefined;
  responseId: string | undefined;
  responseModel: string | undefined;
  finishReasons: string[] | string | undefined;
  conversationId: string | undefined;
  timeToFirstChunk: number | undefined;
  embeddingDimensions: number | undefined;
  declare params: LLMParams | undefined;

  constructor(init?: LLMEventInit) {
    super(init);
    const i = readFields<LLMEventInit>(init, LLM_FIELDS);
    this.model = i.model;
    this.provider = i.provider;
    this.operation = i.operation;
    this.prompt = i.prompt;
    this.completion = i.completion;
    this.systemInstructions = i.systemInstructions;
    this.promptTokens = i.promptTokens;
    this.completionTokens = i.completionTokens;
    this.cachedTokens = i.cachedTokens;
    this.cacheCreationTokens = i.cacheCreationTokens;
    this.reasoningTokens = i.reasoningTokens;
    this.cost = i.cost;
    this.responseId = i.responseId;
    this.responseModel = i.responseModel;
    this.finishReasons = i.finishReasons;
    this.conversationId = i.conversationId;
    this.timeToFirstChunk = i.timeToFirstChunk;
    this.embeddingDimensions = i.embeddingDimensions;
  }
}
