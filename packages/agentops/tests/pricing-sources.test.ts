/**
 * Every built-in price cites the provider's own pricing page, on the provider's own domain, with the
 * date it was read; docs/pricing.md lists exactly the table's models, with the same prices, sources
 * and dates; the other docs pages link to it rather than list models themselves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PRICING_TABLE, type PriceProvider, type PricedModel } from '../src/metrics/pricing';

const DOCS = path.join(__dirname, '..', '..', '..', 'docs');
const readDoc = (name: string): string => readFileSync(path.join(DOCS, name), 'utf8');

/** The domains each provider publishes its prices on (a host matches the domain or a subdomain of it). */
const OWN_DOMAINS: Record<PriceProvider, string[]> = {
  openai: ['openai.com'],
  anthropic: ['anthropic.com', 'claude.com'],
  'gcp.gemini': ['ai.google.dev', 'cloud.google.com'],
  'aws.bedrock': ['aws.amazon.com'],
};

const onDomain = (host: string, domain: string): boolean => host === domain || host.endsWith(`.${domain}`);

describe('the sources of the built-in prices', () => {
  const entries = Object.entries(PRICING_TABLE);

  it('has entries', () => {
    expect(entries.length).toBeGreaterThan(0);
  });

  it.each(entries)('%s cites an https page on its provider\'s own domain and the date it was read', (_model, p) => {
    const url = new URL(p.source);
    expect(url.protocol).toBe('https:');
    expect(url.username + url.password).toBe('');
    expect(OWN_DOMAINS[p.provider].some((d) => onDomain(url.hostname, d))).toBe(true);
    expect(p.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const day = new Date(`${p.date}T00:00:00Z`);
    expect(day.toISOString().slice(0, 10)).toBe(p.date);
  });

  it('tells a provider domain from a look-alike', () => {
    expect(onDomain('developers.openai.com', 'openai.com')).toBe(true);
    expect(onDomain('openai.com.example.net', 'openai.com')).toBe(false);
    expect(onDomain('notopenai.com', 'openai.com')).toBe(false);
  });

  it.each(entries)('%s has tiers that make sense', (_model, p) => {
    for (const k of ['input', 'output', 'cachedInput', 'cacheWrite', 'batchInput', 'batchOutput'] as const) {
      if (p[k] !== undefined) expect(p[k]).toBeGreaterThanOrEqual(0);
    }
    if (p.cachedInput !== undefined) expect(p.cachedInput).toBeLessThanOrEqual(p.input);
    if (p.longContext) {
      expect(Number.isInteger(p.longContext.aboveInputTokens) && p.longContext.aboveInputTokens > 0).toBe(true);
      expect(p.longContext.input).toBeGreaterThanOrEqual(p.input);
      expect(p.longContext.output).toBeGreaterThanOrEqual(p.output);
    }
  });
});

/** The rows of the table in docs/pricing.md, by model. */
function docRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readDoc('pricing.md').split('\n')) {
    const m = /^\|\s*`([^`]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (m === null) continue;
    expect(rows.has(m[1]!)).toBe(false);
    rows.set(m[1]!, m[2]!.split('|').map((c) => c.trim()));
  }
  return rows;
}

const usd = (n: number | undefined): string => (n === undefined ? '-' : `$${n}`);

describe('docs/pricing.md', () => {
  const rows = docRows();

  it('lists exactly the models of the table', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(PRICING_TABLE).sort());
  });

  it.each(Object.entries(PRICING_TABLE))('lists %s with the table\'s prices, source and date', (model, p: PricedModel) => {
    const [, input, cached, write, output, batchIn, batchOut, long, source, date] = rows.get(model)!;
    expect([input, cached, write, output, batchIn, batchOut]).toEqual([p.input, p.cachedInput, p.cacheWrite, p.output, p.batchInput, p.batchOutput].map(usd));
    if (p.longContext) {
      expect(long).toContain(p.longContext.aboveInputTokens.toLocaleString('en-US'));
      expect(long).toContain(`${usd(p.longContext.input)} in, ${usd(p.longContext.output)} out`);
    } else {
      expect(long).toBe('-');
    }
    expect(source).toContain(`](${p.source})`);
    expect(date).toBe(p.date);
  });

  it('is where the other pages send the reader, rather than listing models themselves', () => {
    for (const page of ['metrics.md', 'instrumentation.md']) {
      const text = readDoc(page);
      expect(text).toMatch(/\]\(pricing\.md\)/);
      for (const model of Object.keys(PRICING_TABLE)) expect(text).not.toContain(`\`${model}\`,`);
    }
  });
});
