import { costOf, PriceBook, PRICING_TABLE } from '../src/metrics/pricing';

describe('pricing', () => {
  const book = new PriceBook();

  it('gives every built-in price a date and a source', () => {
    for (const [model, p] of Object.entries(PRICING_TABLE)) {
      expect(p.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.source).toMatch(/^https:\/\//);
      expect(p.input).toBeGreaterThanOrEqual(0);
      expect(p.output).toBeGreaterThanOrEqual(0);
      expect(model).toBe(model.toLowerCase());
    }
  });

  it.each([
    ['gpt-5-mini', 'gpt-5-mini'],
    ['gpt-5-mini-2025-08-07', 'gpt-5-mini'],
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['GPT-5-Mini', 'gpt-5-mini'],
    ['openai/gpt-5.4', 'gpt-5.4'],
    ['models/gpt-5.4', 'gpt-5.4'],
    ['gpt-5.4-preview', 'gpt-5.4'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
  ])('prices %s as %s', (model, key) => {
    expect(book.find(model)).toBe(PRICING_TABLE[key]);
  });

  // gpt-5 and gpt-5.4-mini are ids of their own, not releases of gpt-5-mini or gpt-5.4.
  it.each(['o1-mini', 'claude-opus-4-7', 'gpt-4o-realtime', 'llama-3-70b', 'gpt-5', 'gpt-5.4-mini', ''])('does not guess a price for %j', (model) => {
    expect(book.find(model)).toBeUndefined();
  });

  it('bills cached input at the cached rate, and at the input rate when the model has none', () => {
    expect(costOf({ input: 2, output: 10, cachedInput: 0.5 }, 1000, 100, 400)).toBeCloseTo((600 * 2 + 400 * 0.5 + 100 * 10) / 1e6, 15);
    expect(costOf({ input: 2, output: 10 }, 1000, 100, 400)).toBeCloseTo((1000 * 2 + 100 * 10) / 1e6, 15);
    expect(costOf({ input: 2, output: 10, cachedInput: 0.5 }, 100, 0, 400)).toBeCloseTo((100 * 0.5) / 1e6, 15);
  });

  it('bills tokens written to the cache at the cache-write rate (Anthropic), else at the input rate', () => {
    // 1,000 input tokens of which 300 read from the cache and 200 written to it.
    expect(costOf({ input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 }, 1000, 10, 300, 200)).toBeCloseTo((500 * 3 + 300 * 0.3 + 200 * 3.75 + 10 * 15) / 1e6, 15);
    expect(costOf({ input: 3, output: 15 }, 1000, 0, 0, 200)).toBeCloseTo((1000 * 3) / 1e6, 15);
    expect(PRICING_TABLE['claude-sonnet-4-5']!.cacheWrite).toBe(3.75);
  });

  it('lets overrides add and replace models', () => {
    const custom = new PriceBook({ 'My-Model': { input: 1, output: 1 }, 'gpt-5-mini': { input: 9, output: 9 } });
    expect(custom.find('my-model')).toEqual({ input: 1, output: 1 });
    expect(custom.find('gpt-5-mini-2025-08-07')).toEqual({ input: 9, output: 9 });
    expect(custom.find('gpt-5-nano')).toBe(PRICING_TABLE['gpt-5-nano']);
  });
});
