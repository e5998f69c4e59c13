/**
 * The built-in prices, USD per million tokens. Each entry cites the provider's own page it was read
 * from (`source`) and the date it was read (`date`; the pages read show no publication date of their
 * own). Where a page gave no figure for a tier (batch, cached input, long context), the entry has
 * none: a missing tier is never filled in with a rule of thumb. docs/pricing.md lists this table.
 */
import type { PricedModel } from './pricing';

const READ = '2026-12-04';

// OpenAI: one model page each on developers.openai.com (some read in a localized edition).
const openaiModel = (path: string): string => `https://developers.openai.com/${path}`;
const GPT_5_4 = openaiModel('api/docs/models/gpt-5.4');
const GPT_5_1 = openaiModel('api/docs/models/gpt-5.1');
const GPT_5_MINI = openaiModel('ko-KR/api/docs/models/gpt-5-mini');
const GPT_5_NANO = openaiModel('de-DE/api/docs/models/gpt-5-nano');
const GPT_5_PRO = openaiModel('ko-KR/api/docs/models/gpt-5-pro');
const GPT_4_1_NANO = openaiModel('ko-KR/api/docs/models/gpt-4.1-nano');
// Prices text-embedding-3-large and, in its comparison, text-embedding-3-small.
const EMBEDDING_3 = openaiModel('api/docs/models/text-embedding-3-large');

// Anthropic: the pricing page. The docs.anthropic.com edition lists the 4.1-and-older models with
// batch prices and the Sonnet 4 long-context rates; the platform.claude.com edition (read in its
// zh-CN translation) adds the 4.5 and 4.6 models.
const ANTHROPIC_PRICING = 'https://docs.anthropic.com/en/docs/about-claude/pricing';
const CLAUDE_PRICING = 'https://platform.claude.com/docs/zh-CN/about-claude/pricing';

const openai = (source: string, p: Omit<PricedModel, 'provider' | 'date' | 'source'>): PricedModel => ({ provider: 'openai', ...p, date: READ, source });
const anthropic = (source: string, p: Omit<PricedModel, 'provider' | 'date' | 'source'>): PricedModel => ({ provider: 'anthropic', ...p, date: READ, source });

/** The built-in table. Model ids are matched exactly or with a date/version suffix (see `PriceBook`). */
export const PRICING_TABLE: Readonly<Record<string, Readonly<PricedModel>>> = {
  // OpenAI. GPT-5.4: prompts over 272K input tokens cost 2x input and 1.5x output for the whole request.
  'gpt-5.4': openai(GPT_5_4, { input: 2.5, cachedInput: 0.25, output: 15, longContext: { aboveInputTokens: 272_000, input: 5, output: 22.5 } }),
  'gpt-5.1': openai(GPT_5_1, { input: 1.25, cachedInput: 0.125, output: 10 }),
  'gpt-5-mini': openai(GPT_5_MINI, { input: 0.25, cachedInput: 0.025, output: 2 }),
  'gpt-5-nano': openai(GPT_5_NANO, { input: 0.05, cachedInput: 0.005, output: 0.4 }),
  'gpt-5-pro': openai(GPT_5_PRO, { input: 15, output: 120 }),
  'gpt-4.1-nano': openai(GPT_4_1_NANO, { input: 0.1, cachedInput: 0.025, output: 0.4 }),
  'text-embedding-3-large': openai(EMBEDDING_3, { input: 0.13, output: 0 }),
  'text-embedding-3-small': openai(EMBEDDING_3, { input: 0.02, output: 0 }),
  // Anthropic. cacheWrite is the 5-minute cache write (the default TTL); cachedInput is a cache hit.
  'claude-opus-4-6': anthropic(CLAUDE_PRICING, { input: 5, cachedInput: 0.5, cacheWrite: 6.25, output: 25 }),
  'claude-opus-4-5': anthropic(CLAUDE_PRICING, { input: 5, cachedInput: 0.5, cacheWrite: 6.25, output: 25 }),
  'claude-sonnet-4-6': anthropic(CLAUDE_PRICING, { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 }),
  'claude-sonnet-4-5': anthropic(CLAUDE_PRICING, { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 }),
  'claude-haiku-4-5': anthropic(CLAUDE_PRICING, { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5 }),
  'claude-opus-4-1': anthropic(ANTHROPIC_PRICING, { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75, batchInput: 7.5, batchOutput: 37.5 }),
  'claude-opus-4': anthropic(ANTHROPIC_PRICING, { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75, batchInput: 7.5, batchOutput: 37.5 }),
  // Sonnet 4: prompts over 200K input tokens cost $6 / $22.50.
  'claude-sonnet-4': anthropic(ANTHROPIC_PRICING, {
    input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, batchInput: 1.5, batchOutput: 7.5, longContext: { aboveInputTokens: 200_000, input: 6, output: 22.5 },
  }),
  'claude-3-7-sonnet': anthropic(ANTHROPIC_PRICING, { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, batchInput: 1.5, batchOutput: 7.5 }),
  'claude-3-5-sonnet': anthropic(ANTHROPIC_PRICING, { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, batchInput: 1.5, batchOutput: 7.5 }),
  'claude-3-5-haiku': anthropic(ANTHROPIC_PRICING, { input: 0.8, cachedInput: 0.08, cacheWrite: 1, output: 4, batchInput: 0.4, batchOutput: 2 }),
  'claude-3-opus': anthropic(ANTHROPIC_PRICING, { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75, batchInput: 7.5, batchOutput: 37.5 }),
  'claude-3-haiku': anthropic(ANTHROPIC_PRICING, { input: 0.25, cachedInput: 0.03, cacheWrite: 0.3, output: 1.25, batchInput: 0.125, batchOutput: 0.625 }),
};
