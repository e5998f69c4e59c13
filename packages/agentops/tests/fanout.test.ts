/**
 * Acceptance (core SDK): every destination gets the same span set. The vendor stub (after the auth
 * exchange, with the Bearer token), a second receiver at OTLP_EXPORTER_ENDPOINT and an in-memory
 * exporter passed in `exporters`.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { recordSampleSession } from '../../../testing/workload';

describe('fan-out to vendor, collector and user exporter', () => {
  let vendor: OtlpReceiver;
  let collector: OtlpReceiver;
  let restoreEnv: () => void;

  beforeEach(async () => {
    vendor = await OtlpReceiver.start({ vendor: { apiKey: 'sk-test-1234567890', projectId: 'p-42' } });
    collector = await OtlpReceiver.start();
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: collector.url });
  });

  afterEach(async () => {
    await agentops.shutdown(1000);
    restoreEnv();
    await Promise.all([vendor.close(), collector.close()]);
  });

  it('delivers the same spans to all three, the vendor with its Bearer token', async () => {
    const memory = new InMemorySpanExporter();
    const client = agentops.init({
      apiKey: 'sk-test-1234567890',
      apiEndpoint: vendor.url,
      exporterEndpoint: `${vendor.url}/v1/traces`,
      exporters: [memory],
      autoStartSession: false,
      logLevel: 'silent',
    });
    const sessions = [agentops.startSession({ tags: ['a'] }), agentops.startSession({ tags: ['b'] })];
    let expected = 0;
    for (const [i, s] of sessions.entries()) expected += await recordSampleSession(s, String(i));
    expect(await agentops.flush(5000)).toBe(true);

    const ids = (spans: Array<{ traceId: string; spanId: string }>): string[] => spans.map((s) => `${s.traceId}/${s.spanId}`).sort();
    const memorySpans = memory.getFinishedSpans().map((s) => s.spanContext());
    expect(memorySpans).toHaveLength(expected);
    expect(ids(vendor.spans())).toEqual(ids(memorySpans));
    expect(ids(collector.spans())).toEqual(ids(memorySpans));

    // The vendor: one auth exchange with the key, then OTLP protobuf with the token it returned.
    expect(vendor.authRequests).toHaveLength(1);
    expect(vendor.authRequests[0]!.body).toEqual({ api_key: 'sk-test-1234567890' });
    const traceRequests = vendor.requests.filter((r) => r.path === '/v1/traces');
    expect(traceRequests.length).toBeGreaterThan(0);
    for (const r of traceRequests) {
      expect(r.headers.authorization).toBe('Bearer token-1');
      expect(r.headers['content-type']).toBe('application/x-protobuf');
      expect(r.status).toBe(200);
    }
    // The collector gets no credentials.
    for (const r of collector.requests) expect(r.headers.authorization).toBeUndefined();
    // Encoded once: the vendor and the collector received identical bytes for each batch.
    const collectorTraces = collector.requests.filter((r) => r.path === '/v1/traces');
    expect(traceRequests.map((r) => r.body.toString('base64'))).toEqual(collectorTraces.map((r) => r.body.toString('base64')));

    expect(client.projectId).toBe('p-42');
    const stats = client.stats();
    expect(stats.destinations.vendor!.spansSent).toBe(expected);
    expect(stats.destinations.collector!.spansSent).toBe(expected);
    expect(stats.destinations['exporter[0]:InMemorySpanExporter']!.spansSent).toBe(expected);
  });
});
