/**
 * A loopback LLM stub and a loopback OTLP receiver around one `init()`, for the instrumentation
 * tests: every span a test records is decoded from the real OTLP bytes the SDK exported.
 */
import * as agentops from '../../src';
import { TEST_PRICES } from './test-prices';
import type { DecodedMetric, DecodedSpan } from '../../../../testing/otlp-decode';
import { SDK_ENV_CLEAR, setEnv } from '../../../../testing/env';
import { LlmStub } from '../../../../testing/llm-stub';
import { OtlpReceiver } from '../../../../testing/otlp-receiver';

export const SpanKindCode = { INTERNAL: 1, CLIENT: 3 } as const;
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export class InstrumentedRun {
  private constructor(
    readonly stub: LlmStub,
    readonly receiver: OtlpReceiver,
    private readonly restoreEnv: () => void,
  ) {}

  static async start(): Promise<InstrumentedRun> {
    const [stub, receiver] = await Promise.all([LlmStub.start(), OtlpReceiver.start()]);
    const restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url });
    return new InstrumentedRun(stub, receiver, restoreEnv);
  }

  init(options: agentops.InitOptions = {}): agentops.Client {
    return agentops.init({ autoStartSession: false, logLevel: 'silent', pricing: { ...TEST_PRICES }, ...options });
  }

  /** Flushes and returns every span received so far. */
  async spans(): Promise<DecodedSpan[]> {
    expect(await agentops.flush(5000)).toBe(true);
    return this.receiver.spans();
  }

  /** Runs `fn` in a new session, ends it, and returns the session with every span exported so far. */
  async inSession(fn: () => Promise<void>): Promise<{ session: agentops.Session; spans: DecodedSpan[] }> {
    const session = agentops.startSession({ name: 'agent' });
    await session.run(fn);
    session.end('Success');
    return { session, spans: await this.spans() };
  }

  async close(): Promise<void> {
    await agentops.shutdown(1000);
    this.restoreEnv();
    await Promise.all([this.stub.close(), this.receiver.close()]);
  }
}

export function llmSpans(spans: DecodedSpan[]): DecodedSpan[] {
  return spans.filter((s) => s.attributes['agentops.event.type'] === 'llm');
}

export function only<T>(list: T[], what = 'item'): T {
  if (list.length !== 1) throw new Error(`expected exactly one ${what}, got ${list.length}`);
  return list[0]!;
}

export function json(v: unknown): unknown {
  if (typeof v !== 'string') throw new Error(`expected a JSON string attribute, got ${typeof v}`);
  return JSON.parse(v) as unknown;
}

/** Every string an exported span carries: attribute values and event attribute values. */
export function allText(spans: DecodedSpan[]): string {
  const out: string[] = [];
  for (const s of spans) {
    out.push(s.name);
    for (const v of Object.values(s.attributes)) out.push(typeof v === 'string' ? v : JSON.stringify(v));
    for (const e of s.events) for (const v of Object.values(e.attributes)) out.push(typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out.join('\n');
}

/** The last export of metric `name` (with cumulative temporality, it carries the totals). */
export function metric(metrics: DecodedMetric[], name: string): DecodedMetric {
  const found = metrics.filter((m) => m.name === name).pop();
  if (!found) throw new Error(`no metric ${name} in ${[...new Set(metrics.map((m) => m.name))].join(', ')}`);
  return found;
}
