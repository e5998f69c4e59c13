/**
 * Prices the tests give the models their stubs answer with, USD per million tokens. They are test
 * fixtures, not the providers' figures: the built-in table (docs/pricing.md) does not price these
 * models, so a test that checks how a cost is computed and carried names its own price.
 */
import type { PricingEntry } from '../../src/config/options';

export const TEST_PRICES: Readonly<Record<string, PricingEntry>> = Object.freeze({
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gemini-2.5-flash': { input: 0.3, cachedInput: 0.03, output: 2.5 },
});
