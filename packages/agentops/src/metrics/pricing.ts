import { bedrockPriceNames } from './bedrock-model-id';
import { PRICING_TABLE } from './pricing-table';

/**
 * LLM prices in USD per million tokens, and the cost of a call. Every built-in entry cites the
 * provider's own pricing page and the date it was read (see `pricing-table.ts` and docs/pricing.md);
 * `init({ pricing })` adds or overrides models. An unknown model gets no cost at all (not zero), so a
 * dashboard never shows a free call that was not free.
 */

/** Higher rates a provider charges for the whole request once its prompt passes a size. */
export interface LongContextPrice {
  /** The tier applies when the call's input tokens (cached and cache-written included) exceed this. */
  aboveInputTokens: number;
  /** USD per million input tokens in this tier. */
  input: number;
  /** USD per million output tokens in this tier. */
  output: number;
  /** USD per million cached input tokens in this tier; when absent, the model's `cachedInput` applies. */
  cachedInput?: number;
}

export interface ModelPrice {
  /** USD per million input tokens. */
  input: number;
  /** USD per million output tokens. */
  output: number;
  /** USD per million input tokens served from the provider's cache; when absent, cached tokens cost `input`. */
  cachedInput?: number;
  /** USD per million input tokens written to the cache (Anthropic); when absent, they cost `input`. */
  cacheWrite?: number;
  /** USD per million input tokens through the provider's batch API. For reference: a call does not say it was batched, so `costOf` never uses it. */
  batchInput?: number;
  /** USD per million output tokens through the provider's batch API. For reference only, like `batchInput`. */
  batchOutput?: number;
  /** Rates for prompts over a size, applied by `costOf`. */
  longContext?: LongContextPrice;
}

export type PriceProvider = 'openai' | 'anthropic' | 'gcp.gemini' | 'aws.bedrock';

export interface PricedModel extends ModelPrice {
  provider: PriceProvider;
  /** When the price was read from the source, YYYY-MM-DD. */
  date: string;
  /** The provider's own page the price was read from. */
  source: string;
}

export { PRICING_TABLE };

// A dated or versioned release of a known model: gpt-4o-2024-08-06, claude-sonnet-4-5-20250929,
// gemini-2.5-flash-preview-05-20, claude-3-5-sonnet-latest. Anything else (claude-opus-4-7) is unknown
// rather than guessed from a shorter name.
const SUFFIX = /^(\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{2}|\d{4}|latest|preview.*|exp.*|v\d.*)$/;

/** Prices by model id, longest matching key first, so `gpt-4o-mini` never matches `gpt-4o`. */
export class PriceBook {
  private readonly entries: Map<string, ModelPrice>;
  private readonly keysByLength: string[];
  private readonly cache = new Map<string, ModelPrice | null>();

  constructor(overrides: Readonly<Record<string, ModelPrice>> = {}) {
    this.entries = new Map<string, ModelPrice>();
    for (const [k, v] of Object.entries(PRICING_TABLE)) this.entries.set(k, v);
    for (const [k, v] of Object.entries(overrides)) this.entries.set(k.toLowerCase(), v);
    this.keysByLength = [...this.entries.keys()].sort((a, b) => b.length - a.length);
  }

  find(model: string): ModelPrice | undefined {
    const cached = this.cache.get(model);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.lookup(model) ?? null;
    // Model ids seen in one process are few; the cap keeps a caller inventing ids from growing this.
    if (this.cache.size < 1000) this.cache.set(model, found);
    return found ?? undefined;
  }

  private lookup(model: string): ModelPrice | undefined {
    // `openai/gpt-4o` (routers, the AI SDK) and `models/gemini-2.5-pro` (Google) name the same model.
    const id = model.toLowerCase().slice(model.lastIndexOf('/') + 1);
    const found = this.lookupId(id);
    if (found) return found;
    for (const name of bedrockPriceNames(id)) {
      const price = this.lookupId(name);
      if (price) return price;
    }
    return undefined;
  }

  private lookupId(id: string): ModelPrice | undefined {
    const exact = this.entries.get(id);
    if (exact) return exact;
    for (const key of this.keysByLength) {
      if (id.length > key.length + 1 && id.startsWith(key) && id[key.length] === '-' && SUFFIX.test(id.slice(key.length + 1))) {
        return this.entries.get(key);
      }
    }
    return undefined;
  }
}

/**
 * Cost in USD. `inputTokens` includes the tokens read from and written to the cache (as
 * `gen_ai.usage.input_tokens` does); those are billed at their own rates when the model has them.
 * When the input passes the model's long-context threshold, the whole call is billed at the
 * long-context rates (cached tokens at the tier's cached rate, else the model's; cache writes at the
 * model's cache-write rate). Batch rates are never applied.
 */
export function costOf(price: ModelPrice, inputTokens: number, outputTokens: number, cachedTokens = 0, cacheWriteTokens = 0): number {
  const long = price.longContext !== undefined && inputTokens > price.longContext.aboveInputTokens ? price.longContext : undefined;
  const input = long?.input ?? price.input;
  const output = long?.output ?? price.output;
  const cachedRate = long?.cachedInput ?? price.cachedInput ?? input;
  const writeRate = price.cacheWrite ?? input;
  const cached = Math.min(Math.max(cachedTokens, 0), inputTokens);
  const written = Math.min(Math.max(cacheWriteTokens, 0), inputTokens - cached);
  const fresh = inputTokens - cached - written;
  return (fresh * input + cached * cachedRate + written * writeRate + outputTokens * output) / 1_000_000;
}
