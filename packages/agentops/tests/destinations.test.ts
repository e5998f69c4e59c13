/**
 * `destinations`: more OTLP endpoints in the same fan-out, each with its own queue and counters, all
 * receiving the one encoding of each batch (per protocol).
 */
import * as agentops from '../src';
import { resolveConfig } from '../src/config';
import { SdkLogger } from '../src/log';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { closedPort, OtlpReceiver } from '../../../testing/otlp-receiver';
import { recordSampleSession } from '../../../testing/workload';

describe('extra OTLP destinations', () => {
  let restoreEnv: () => void;
  beforeEach(() => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
  });
  afterEach(async () => {
    await agentops.shutdown(1000);
    restoreEnv();
  });

  it('sends the same bytes to the vendor, the collector and two extra destinations; a dead one hurts no other', async () => {
    const vendor = await OtlpReceiver.start({ vendor: { apiKey: 'k-fanout-1' } });
    const collector = await OtlpReceiver.start();
    const third = await OtlpReceiver.start();
    const dead = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    const restore = setEnv({ OTLP_EXPORTER_ENDPOINT: collector.url });
    try {
      const client = agentops.init({
        apiKey: 'k-fanout-1',
        apiEndpoint: vendor.url,
        exporterEndpoint: `${vendor.url}/v1/traces`,
        autoStartSession: false,
        logLevel: 'silent',
        metrics: false,
        logSessionUrl: false,
        destinations: [{ name: 'langfuse', url: `${third.url}/api/public/otel/v1/traces`, headers: { authorization: 'Basic abc' } }, { url: dead }],
      });
      const n = await recordSampleSession(agentops.startSession());
      await third.waitForSpans(n, 5000);
      await collector.waitForSpans(n, 5000);
      await vendor.waitForSpans(n, 5000);
      const bodies = (r: OtlpReceiver, path: string) => r.requests.filter((x) => x.path === path).map((x) => x.body.toString('base64'));
      expect(bodies(third, '/api/public/otel/v1/traces')).toEqual(bodies(collector, '/v1/traces'));
      expect(bodies(vendor, '/v1/traces')).toEqual(bodies(collector, '/v1/traces'));
      expect(third.requests[0]!.headers.authorization).toBe('Basic abc');
      const stats = client.stats().destinations;
      expect(Object.keys(stats).sort()).toEqual(['collector', 'langfuse', 'otlp[1]', 'vendor']);
      expect(stats['otlp[1]']!.failedRequests).toBeGreaterThan(0);
    } finally {
      await agentops.shutdown(500);
      restore();
      await Promise.all([vendor.close(), collector.close(), third.close()]);
    }
  });

  it.each([
    [[{ url: 'nope' }], 'destinations[0].url'],
    [[{ url: 'http://example.com/v1/traces' }], 'destinations[0].url'],
    [[{ url: 'http://localhost:1/v1/traces', protocol: 'udp' }], 'destinations[0].protocol'],
    [[{ url: 'http://localhost:1/v1/traces', name: 'vendor' }], 'destinations[0].name'],
    [[{ url: 'http://localhost:1/v1/traces', headers: { a: 1 } }], 'destinations[0].headers'],
    [[{ url: 'http://localhost:1/v1/traces', port: 1 }], 'destinations[0].port'],
    [{ url: 'http://localhost:1' }, 'destinations'],
  ])('rejects %j naming %s', (destinations, option) => {
    expect(() => resolveConfig({ destinations } as unknown as agentops.InitOptions, {}, new SdkLogger('silent'))).toThrow(expect.objectContaining({ option }));
  });
});
