/**
 * Acceptance (core SDK): spans that end before the token arrives are delivered after it; a key
 * rejected with 401 is logged once, nothing throws, other destinations keep working; a 401 on
 * export triggers a single re-exchange.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from '../src';
import { CaptureLogger } from '../../../testing/capture-logger';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { recordSampleSession } from '../../../testing/workload';

const KEY = 'ao-key-0123456789abcdef';

describe('vendor auth exchange', () => {
  let vendor: OtlpReceiver;
  let restoreEnv: () => void;

  beforeEach(() => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
  });

  afterEach(async () => {
    await agentops.shutdown(1000);
    restoreEnv();
    await vendor.close();
  });

  function initWith(extra: Partial<agentops.InitOptions> = {}): agentops.Client {
    return agentops.init({
      apiKey: KEY,
      apiEndpoint: vendor.url,
      exporterEndpoint: `${vendor.url}/v1/traces`,
      autoStartSession: false,
      batch: { scheduledDelayMillis: 20 },
      delivery: { initialRetryDelayMs: 50, maxRetryDelayMs: 200 },
      ...extra,
    });
  }

  it('holds spans that end before the token arrives and sends them after', async () => {
    vendor = await OtlpReceiver.start({ vendor: { apiKey: KEY, authDelayMs: 800 } });
    initWith({ logLevel: 'silent' });
    const n = await recordSampleSession(agentops.startSession());
    // The batch is due after 20 ms, long before the token: it must wait, not be dropped.
    await vendor.waitForSpans(n, 5000);
    const authAnswered = vendor.authRequests[0]!.at + 800;
    const firstExport = vendor.requests.find((r) => r.path === '/v1/traces')!;
    expect(firstExport.at).toBeGreaterThanOrEqual(authAnswered - 50);
    expect(firstExport.headers.authorization).toBe('Bearer token-1');
    expect(vendor.requests.filter((r) => r.status === 401)).toHaveLength(0);
    expect(vendor.spans()).toHaveLength(n);
  });

  it('logs a rejected key once, with the endpoint and status, never throws, and other destinations keep working', async () => {
    vendor = await OtlpReceiver.start({ vendor: { apiKey: KEY, authStatus: 401 } });
    const logger = new CaptureLogger();
    const memory = new InMemorySpanExporter();
    const client = initWith({ logger, exporters: [memory] });
    let n = 0;
    for (let i = 0; i < 3; i++) n += await recordSampleSession(agentops.startSession(), String(i));
    await agentops.flush(3000);
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 2; i++) n += await recordSampleSession(agentops.startSession(), `late${i}`);
    await agentops.flush(3000);

    const rejected = logger.matching(/rejected/);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.level).toBe('error');
    expect(rejected[0]!.message).toContain(`${vendor.url}/v3/auth/token`);
    expect(rejected[0]!.message).toContain('401');
    // The key itself never appears in a log line; only its last 4 characters do.
    expect(logger.text()).not.toContain(KEY);
    expect(rejected[0]!.message).toContain('cdef');

    expect(memory.getFinishedSpans()).toHaveLength(n);
    const stats = client.stats().destinations.vendor!;
    expect(stats.spansSent).toBe(0);
    expect(stats.spansDropped.auth_rejected).toBe(n);
    // A rejected key is not retried over and over.
    expect(vendor.authRequests).toHaveLength(1);
    expect(vendor.requests.filter((r) => r.path === '/v1/traces')).toHaveLength(0);
  });

  it('answers a 401 on export with exactly one re-exchange, then delivers with the new token', async () => {
    vendor = await OtlpReceiver.start({ vendor: { apiKey: KEY } });
    const client = initWith({ logLevel: 'silent' });
    const first = await recordSampleSession(agentops.startSession(), 'first');
    await vendor.waitForSpans(first, 5000);
    expect(vendor.authRequests).toHaveLength(1);

    vendor.revokeTokens();
    const second = await recordSampleSession(agentops.startSession(), 'second');
    await vendor.waitForSpans(first + second, 5000);

    expect(vendor.authRequests).toHaveLength(2);
    const traceRequests = vendor.requests.filter((r) => r.path === '/v1/traces');
    expect(traceRequests.filter((r) => r.status === 401)).toHaveLength(1);
    expect(traceRequests.filter((r) => r.status === 200).map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(await agentops.flush(2000)).toBe(true);
    const stats = client.stats().destinations.vendor!;
    expect(stats.spansSent).toBe(first + second);
    expect(Object.values(stats.spansDropped).reduce((a, b) => a + b, 0)).toBe(0);
  });
});
