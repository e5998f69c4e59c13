/**
 * Estimated cost of an instrumented LLM call (`agentops.llm.cost_usd`) from its token counts and
 * the provider's published list prices. Models that are not in the table get no cost rather than a
 * guess: a name matches an entry exactly or with a date suffix (`gpt-4o-2024-08-06`,
 * `claude-haiku-4-5-20251001`), never by a looser prefix, so a newer model priced differently
 * (`claude-opus-4-6`) is not charged at an older one's price. Prices are USD per million tokens.
 */

interface Price {
  input: number;
  output: number;
  /** Input tokens served from the cache. */
  cachedInput?: number;
  /** Input tokens written to the cache (Anthropic). */
  cacheWrite?: number;
}

// List prices as published by OpenAI and Anthropic (checked 2025-10).
const PRICES: ReadonlyMap<string, Price> = new Map<string, Price>([
  ['gpt-5-nano', { input: 0.05, cachedInput: 0.005, output: 0.4 }],
  ['gpt-5-mini', { input: 0.25, cachedInput: 0.025, output: 2 }],
  ['gpt-5', { input: 1.25, cachedInput: 0.125, output: 10 }],
  ['gpt-4.1-nano', { input: 0.1, cachedInput: 0.025, output: 0.4 }],
  ['gpt-4.1-mini', { input: 0.4, cachedInput: 0.1, output: 1.6 }],
  ['gpt-4.1', { input: 2, cachedInput: 0.5, output: 8 }],
  ['gpt-4o-mini', { input: 0.15, cachedInput: 0.075, output: 0.6 }],
  ['gpt-4o', { input: 2.5, cachedInput: 1.25, output: 10 }],
  ['gpt-4-turbo', { input: 10, output: 30 }],
  ['gpt-3.5-turbo', { input: 0.5, output: 1.5 }],
  ['o4-mini', { input: 1.1, cachedInput: 0.275, output: 4.4 }],
  ['o3-mini', { input: 1.1, cachedInput: 0.55, output: 4.4 }],
  ['o3', { input: 2, cachedInput: 0.5, output: 8 }],
  ['o1-mini', { input: 1.1, cachedInput: 0.55, output: 4.4 }],
  ['o1', { input: 15, cachedInput: 7.5, output: 60 }],
  ['text-embedding-3-small', { input: 0.02, output: 0 }],
  ['text-embedding-3-large', { input: 0.13, output: 0 }],
  ['text-embedding-ada-002', { input: 0.1, output: 0 }],
  ['claude-opus-4-5', { input: 5, cachedInput: 0.5, cacheWrite: 6.25, output: 25 }],
  ['claude-opus-4-1', { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 }],
  ['claude-opus-4', { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 }],
  ['claude-sonnet-4-5', { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 }],
  ['claude-sonnet-4', { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 }],
  ['claude-haiku-4-5', { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5 }],
  ['claude-3-7-sonnet', { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 }],
  ['claude-3-5-sonnet', { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 }],
  ['claude-3-5-haiku', { input: 0.8, cachedInput: 0.08, cacheWrite: 1, output: 4 }],
  ['claude-3-haiku', { input: 0.25, cachedInput: 0.03, cacheWrite: 0.3, output: 1.25 }],
  ['claude-3-opus', { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 }],
]);

// `-2024-08-06`, `-20250929` or `-latest` after a family name.
const SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

// Model names repeat from call to call: remember each lookup (bounded) so the table is scanned once per model.
const cache = new Map<string, Price | null>();
const MAX_CACHED = 256;

function priceOf(model: string): Price | undefined {
  const hit = cache.get(model);
  if (hit !== undefined) return hit ?? undefined;
  const m = model.toLowerCase().replace(/^(openai|anthropic)\//, '');
  const found = PRICES.get(m) ?? PRICES.get(m.replace(SUFFIX, ''));
  if (cache.size < MAX_CACHED) cache.set(model, found ?? null);
  return found;
}

export interface TokenUsage {
  /** All input tokens, cached ones included. */
  input: number | undefined;
  output: number | undefined;
  cachedInput?: number | undefined;
  cacheWrite?: number | undefined;
}

/** USD, or undefined when the model is unknown or no token count is known. */
export function estimateCostUsd(model: string | undefined, usage: TokenUsage): number | undefined {
  if (model === undefined || (usage.input === undefined && usage.output === undefined)) return undefined;
  const p = priceOf(model);
  if (p === undefined) return undefined;
  const cached = usage.cachedInput ?? 0;
  const written = usage.cacheWrite ?? 0;
  const fresh = Math.max(0, (usage.input ?? 0) - cached - written);
  const usd =
    fresh * p.input + cached * (p.cachedInput ?? p.input) + written * (p.cacheWrite ?? p.input) + (usage.output ?? 0) * p.output;
  return usd / 1e6;
}
