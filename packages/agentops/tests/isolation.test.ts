/**
 * Acceptance (core SDK): a destination that is down (connection refused), failing (503) or hanging
 * (accepts, never answers) does not delay or drop another destination's spans, and shutdown(2000)
 * still resolves in under 3 s.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { closedPort, OtlpReceiver } from '../../../testing/otlp-receiver';
import { recordSampleSession } from '../../../testing/workload';

type Collector = { url: string; close: () => Promise<void> };
const answering = async (options: Parameters<typeof OtlpReceiver.start>[0]): Promise<Collector> => {
  const r = await OtlpReceiver.start(options);
  return { url: r.url, close: () => r.close() };
};

describe.each([
  ['connection refused', true, async (): Promise<Collector> => ({ url: `http://127.0.0.1:${await closedPort()}`, close: async () => {} })],
  ['answering 503', true, () => answering({ reply: () => ({ status: 503, body: 'unavailable' }) })],
  ['accepting requests and never answering', false, () => answering({ reply: () => new Promise<never>(() => undefined) })],
])('with the collector %s', (_label, failsFast, makeCollector) => {
  let vendor: OtlpReceiver;
  let collector: Collector;
  let restoreEnv: () => void;

  beforeEach(async () => {
    vendor = await OtlpReceiver.start({ vendor: { apiKey: 'key-abcdef' } });
    collector = await makeCollector();
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: collector.url });
  });

  afterEach(async () => {
    await agentops.shutdown(500);
    restoreEnv();
    await Promise.all([vendor.close(), collector.close()]);
  });

  it('the vendor and the in-memory exporter still receive everything, and shutdown(2000) resolves in under 3 s', async () => {
    const memory = new InMemorySpanExporter();
    const client = agentops.init({
      apiKey: 'key-abcdef',
      apiEndpoint: vendor.url,
      exporterEndpoint: `${vendor.url}/v1/traces`,
      exporters: [memory],
      autoStartSession: false,
      logLevel: 'silent',
      batch: { scheduledDelayMillis: 20 },
    });
    let expected = 0;
    for (let i = 0; i < 3; i++) expected += await recordSampleSession(agentops.startSession(), String(i));

    // Not delayed: the vendor has everything within moments (a batch every 20 ms), whatever the collector does.
    await vendor.waitForSpans(expected, 1500);
    expect(vendor.spans()).toHaveLength(expected);
    await new Promise((r) => setTimeout(r, 100));
    expect(memory.getFinishedSpans()).toHaveLength(expected);
    const collectorStats = client.stats().destinations.collector!;
    expect(collectorStats.spansSent).toBe(0);
    if (failsFast) expect(collectorStats.failedRequests).toBeGreaterThan(0);
    expect(collectorStats.spansQueued).toBe(expected);

    const started = Date.now();
    await agentops.shutdown(2000);
    const took = Date.now() - started;
    expect(took).toBeLessThan(3000);
    // What the collector never got is counted, not silently lost.
    const after = client.stats().destinations.collector!;
    expect(after.spansDropped.shutdown_timeout).toBe(expected);
    expect(after.spansQueued).toBe(0);
  });
});
