import { bedrockPriceNames } from './bedrock-model-id';

/**
 * LLM prices in USD per million tokens, and the cost of a call. Every entry carries the date and
 * the source of its price; `init({ pricing })` adds or overrides models. An unknown model gets no
 * cost at all (not zero), so a dashboard never shows a free call that was not free.
 */

export interface ModelPrice {
  /** USD per million input tokens. */
  input: number;
  /** USD per million output tokens. */
  output: number;
  /** USD per million input tokens served from the provider's cache; when absent, cached tokens cost `input`. */
  cachedInput?: number;
  /** USD per million input tokens written to the cache (Anthropic); when absent, they cost `input`. */
  cacheWrite?: number;
}

interface PricedModel extends ModelPrice {
  provider: 'openai' | 'anthropic' | 'gcp.gemini';
  /** When the price was read from the source. */
  date: string;
  source: string;
}

const OPENAI_2026_06 = 'https://tokenmix.ai/blog/openai-api-cost-2026-gpt-5-5-5-4-nano-batch (quoting the OpenAI pricing page)';
const OPENAI_2026_03 = 'https://deploybase.ai/articles/openai-pricing (data from the OpenAI pricing page)';
const OPENAI_CACHED = 'https://chatgptpricing-akr.pages.dev/api-pricing (source: developers.openai.com/api/docs/pricing)';
const ANTHROPIC_DOCS = 'https://docs.anthropic.com/en/docs/about-claude/pricing';
const ANTHROPIC_2026_03 = 'https://deploybase.ai/articles/claude-api-pricing (cache hits 90% below input)';
const GOOGLE_2026 = 'https://www.morphllm.com/gemini-api-pricing (rates from ai.google.dev pricing)';
const GOOGLE_CACHED = 'https://deploybase.ai/articles/gemini-api-pricing (context caching 90% below input)';

/** The built-in table. Model ids are matched exactly or with a date/version suffix (see `findPrice`). */
export const PRICING_TABLE: Readonly<Record<string, Readonly<PricedModel>>> = {
  // OpenAI
  'gpt-5.5': { provider: 'openai', input: 5, cachedInput: 0.5, output: 30, date: '2026-06-04', source: OPENAI_2026_06 },
  'gpt-5.5-pro': { provider: 'openai', input: 30, output: 180, date: '2026-06-04', source: OPENAI_2026_06 },
  'gpt-5.4': { provider: 'openai', input: 2.5, cachedInput: 0.25, output: 15, date: '2026-06-04', source: OPENAI_2026_06 },
  'gpt-5.4-mini': { provider: 'openai', input: 0.75, cachedInput: 0.075, output: 4.5, date: '2026-06-04', source: OPENAI_2026_06 },
  'gpt-5.4-nano': { provider: 'openai', input: 0.2, cachedInput: 0.02, output: 1.25, date: '2026-06-04', source: OPENAI_2026_06 },
  'gpt-5.4-pro': { provider: 'openai', input: 30, output: 180, date: '2026-06-04', source: OPENAI_2026_06 },
  'gpt-5.1': { provider: 'openai', input: 1.25, output: 10, date: '2026-03-21', source: OPENAI_2026_03 },
  'gpt-5': { provider: 'openai', input: 1.25, output: 10, date: '2026-03-21', source: OPENAI_2026_03 },
  'gpt-5-mini': { provider: 'openai', input: 0.25, cachedInput: 0.125, output: 2, date: '2026', source: OPENAI_CACHED },
  'gpt-5-nano': { provider: 'openai', input: 0.05, output: 0.4, date: '2026-03-21', source: OPENAI_2026_03 },
  'gpt-5-pro': { provider: 'openai', input: 15, output: 120, date: '2026-03-21', source: OPENAI_2026_03 },
  'gpt-4.1': { provider: 'openai', input: 2, output: 8, date: '2026-03-21', source: OPENAI_2026_03 },
  'gpt-4.1-mini': { provider: 'openai', input: 0.4, output: 1.6, date: '2026-03-21', source: OPENAI_2026_03 },
  'gpt-4.1-nano': { provider: 'openai', input: 0.1, output: 0.4, date: '2026-03-21', source: OPENAI_2026_03 },
  'gpt-4o': { provider: 'openai', input: 2.5, cachedInput: 1.25, output: 10, date: '2026', source: OPENAI_CACHED },
  'gpt-4o-mini': { provider: 'openai', input: 0.15, cachedInput: 0.075, output: 0.6, date: '2026', source: OPENAI_CACHED },
  o3: { provider: 'openai', input: 2, output: 8, date: '2026-03-21', source: OPENAI_2026_03 },
  'o3-mini': { provider: 'openai', input: 1.1, output: 4.4, date: '2026-03-21', source: OPENAI_2026_03 },
  'o4-mini': { provider: 'openai', input: 1.1, output: 4.4, date: '2026-03-21', source: OPENAI_2026_03 },
  'text-embedding-3-large': { provider: 'openai', input: 0.13, output: 0, date: '2026', source: OPENAI_CACHED },
  'text-embedding-3-small': { provider: 'openai', input: 0.02, output: 0, date: '2026', source: OPENAI_CACHED },
  // Anthropic
  'claude-opus-4-6': { provider: 'anthropic', input: 5, cachedInput: 0.5, cacheWrite: 6.25, output: 25, date: '2026-03-21', source: ANTHROPIC_2026_03 },
  'claude-opus-4-5': { provider: 'anthropic', input: 5, cachedInput: 0.5, cacheWrite: 6.25, output: 25, date: '2026-03-21', source: ANTHROPIC_2026_03 },
  'claude-sonnet-4-6': { provider: 'anthropic', input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, date: '2026-03-21', source: ANTHROPIC_2026_03 },
  'claude-sonnet-4-5': { provider: 'anthropic', input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, date: '2026-03-21', source: ANTHROPIC_2026_03 },
  'claude-haiku-4-5': { provider: 'anthropic', input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5, date: '2026-03-21', source: ANTHROPIC_2026_03 },
  'claude-opus-4-1': { provider: 'anthropic', input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75, date: '2025', source: ANTHROPIC_DOCS },
  'claude-opus-4': { provider: 'anthropic', input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75, date: '2025', source: ANTHROPIC_DOCS },
  'claude-sonnet-4': { provider: 'anthropic', input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, date: '2025', source: ANTHROPIC_DOCS },
  'claude-3-7-sonnet': { provider: 'anthropic', input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, date: '2025', source: ANTHROPIC_DOCS },
  'claude-3-5-sonnet': { provider: 'anthropic', input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, date: '2025', source: ANTHROPIC_DOCS },
  'claude-3-5-haiku': { provider: 'anthropic', input: 0.8, cachedInput: 0.08, cacheWrite: 1, output: 4, date: '2025', source: ANTHROPIC_DOCS },
  'claude-3-opus': { provider: 'anthropic', input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75, date: '2025', source: ANTHROPIC_DOCS },
  'claude-3-haiku': { provider: 'anthropic', input: 0.25, cachedInput: 0.03, cacheWrite: 0.3, output: 1.25, date: '2025', source: ANTHROPIC_DOCS },
  // Google
  'gemini-3.5-flash': { provider: 'gcp.gemini', input: 1.5, output: 9, date: '2026', source: GOOGLE_2026 },
  'gemini-3.1-pro': { provider: 'gcp.gemini', input: 2, output: 12, date: '2026', source: GOOGLE_2026 },
  'gemini-3.1-flash-lite': { provider: 'gcp.gemini', input: 0.25, output: 1.5, date: '2026', source: GOOGLE_2026 },
  'gemini-3-flash': { provider: 'gcp.gemini', input: 0.5, output: 3, date: '2026', source: GOOGLE_2026 },
  'gemini-2.5-pro': { provider: 'gcp.gemini', input: 1.25, cachedInput: 0.125, output: 10, date: '2026-03', source: GOOGLE_CACHED },
  'gemini-2.5-flash': { provider: 'gcp.gemini', input: 0.3, cachedInput: 0.03, output: 2.5, date: '2026-03', source: GOOGLE_CACHED },
  'gemini-2.5-flash-lite': { provider: 'gcp.gemini', input: 0.1, output: 0.4, date: '2026', source: GOOGLE_2026 },
  'gemini-2.0-flash': { provider: 'gcp.gemini', input: 0.1, output: 0.4, date: '2026', source: GOOGLE_2026 },
};

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
 */
export function costOf(price: ModelPrice, inputTokens: number, outputTokens: number, cachedTokens = 0, cacheWriteTokens = 0): number {
  const cached = Math.min(Math.max(cachedTokens, 0), inputTokens);
  const written = Math.min(Math.max(cacheWriteTokens, 0), inputTokens - cached);
  const fresh = inputTokens - cached - written;
  return (
    (fresh * price.input + cached * (price.cachedInput ?? price.input) + written * (price.cacheWrite ?? price.input) + outputTokens * price.output) /
    1_000_000
  );
}
