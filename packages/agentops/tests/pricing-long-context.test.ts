/** Long-context and batch tiers: costOf switches the whole call to the long-context rates past the threshold, and never applies batch rates. */
import { costOf, PRICING_TABLE, type ModelPrice } from '../src/metrics/pricing';

describe('costOf with a long-context tier', () => {
  const price: ModelPrice = {
    input: 2,
    cachedInput: 0.2,
    cacheWrite: 2.5,
    output: 10,
    batchInput: 1,
    batchOutput: 5,
    longContext: { aboveInputTokens: 1000, input: 4, output: 15 },
  };

  it('bills a call at or under the threshold at the standard rates', () => {
    expect(costOf(price, 1000, 100)).toBeCloseTo((1000 * 2 + 100 * 10) / 1e6, 15);
    expect(costOf(price, 1000, 100, 300, 200)).toBeCloseTo((500 * 2 + 300 * 0.2 + 200 * 2.5 + 100 * 10) / 1e6, 15);
  });

  it('bills every token of a call over the threshold at the long-context rates', () => {
    expect(costOf(price, 1001, 100)).toBeCloseTo((1001 * 4 + 100 * 15) / 1e6, 15);
  });

  it('counts cached and cache-written tokens toward the threshold', () => {
    // 1,200 input tokens of which 900 cached and 250 written: over 1,000 although only 50 are fresh.
    expect(costOf(price, 1200, 10, 900, 250)).toBeCloseTo((50 * 4 + 900 * 0.2 + 250 * 2.5 + 10 * 15) / 1e6, 15);
  });

  it('uses the tier cached rate when it has one, else the model cached rate, else the tier input rate', () => {
    const withTierCache: ModelPrice = { ...price, longContext: { ...price.longContext!, cachedInput: 0.4 } };
    expect(costOf(withTierCache, 2000, 0, 1000)).toBeCloseTo((1000 * 4 + 1000 * 0.4) / 1e6, 15);
    expect(costOf(price, 2000, 0, 1000)).toBeCloseTo((1000 * 4 + 1000 * 0.2) / 1e6, 15);
    const noCache: ModelPrice = { input: 2, output: 10, longContext: { aboveInputTokens: 1000, input: 4, output: 15 } };
    expect(costOf(noCache, 2000, 0, 1000)).toBeCloseTo((2000 * 4) / 1e6, 15);
  });

  it('never applies batch rates: a call does not say it was batched', () => {
    const { batchInput: _i, batchOutput: _o, ...standard } = price;
    expect(costOf(price, 500, 50, 100, 100)).toBe(costOf(standard, 500, 50, 100, 100));
  });

  it('applies the built-in long-context tiers: GPT-5.4 above 272K input tokens, Claude Sonnet 4 above 200K', () => {
    const gpt = PRICING_TABLE['gpt-5.4']!;
    expect(costOf(gpt, 272_000, 1000)).toBeCloseTo((272_000 * 2.5 + 1000 * 15) / 1e6, 12);
    expect(costOf(gpt, 272_001, 1000)).toBeCloseTo((272_001 * 5 + 1000 * 22.5) / 1e6, 12);
    const sonnet = PRICING_TABLE['claude-sonnet-4']!;
    expect(costOf(sonnet, 200_000, 1000)).toBeCloseTo((200_000 * 3 + 1000 * 15) / 1e6, 12);
    expect(costOf(sonnet, 250_000, 1000)).toBeCloseTo((250_000 * 6 + 1000 * 22.5) / 1e6, 12);
  });

  it('models without a long-context tier keep their rates at any size', () => {
    const haiku = PRICING_TABLE['claude-haiku-4-5']!;
    expect(haiku.longContext).toBeUndefined();
    expect(costOf(haiku, 500_000, 0)).toBeCloseTo((500_000 * 1) / 1e6, 12);
  });
});
