/** Bedrock model ids are priced through the vendor's own model id, never by a guess. */
import { bedrockPriceNames } from '../src/metrics/bedrock-model-id';
import { PriceBook, PRICING_TABLE } from '../src/metrics/pricing';

describe('pricing a Bedrock model id', () => {
  const book = new PriceBook();

  it.each([
    ['anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['eu.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet'],
    ['apac.anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1'],
    ['anthropic.claude-3-haiku-20240307-v1:0:200k', 'claude-3-haiku'],
    ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4'],
  ])('prices %s as %s', (model, key) => {
    expect(book.find(model)).toBe(PRICING_TABLE[key]);
  });

  it.each(['us.amazon.nova-lite-v1:0', 'meta.llama3-1-8b-instruct-v1:0', 'anthropic.claude-opus-4-7-v1:0', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3'])(
    'gives %s no price rather than a guess',
    (model) => {
      expect(book.find(model)).toBeUndefined();
    },
  );

  it('lets an override name the Bedrock model id itself, with or without its Region prefix', () => {
    const custom = new PriceBook({ 'amazon.nova-lite-v1:0': { input: 0.06, output: 0.24 } });
    expect(custom.find('amazon.nova-lite-v1:0')).toEqual({ input: 0.06, output: 0.24 });
    expect(custom.find('us.amazon.nova-lite-v1:0')).toEqual({ input: 0.06, output: 0.24 });
  });

  it('leaves ids that are not Bedrock ids alone', () => {
    expect(bedrockPriceNames('gpt-5.5')).toEqual([]);
    expect(bedrockPriceNames('claude-3-5-haiku')).toEqual([]);
    expect(bedrockPriceNames('us.amazon.nova-pro-v1:0')).toEqual(['amazon.nova-pro-v1:0', 'nova-pro']);
  });
});
