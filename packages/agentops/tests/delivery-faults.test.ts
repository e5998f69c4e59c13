/**
 * Acceptance (reliability): 429 with Retry-After honoured and nothing lost; a full buffer keeps
 * memory under its cap, counts drops exactly and reports them, and everything after recovery
 * arrives; non-retryable answers are reported with status and body and not retried.
 */
import * as agentops from '../src';
import { CaptureLogger } from '../../../testing/capture-logger';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';

describe('delivery faults', () => {
  let restoreEnv: () => void;
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    await agentops.shutdown(2000);
    restoreEnv();
    await receiver?.close();
  });

  it('honours 429 Retry-After: 1 for 5 s and loses nothing', async () => {
    const started = Date.now();
    receiver = await OtlpReceiver.start({
      reply: (req) => (req.path === '/v1/traces' && Date.now() - started < 5000 ? { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' } : undefined),
    });
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url });
    const client = agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, batch: { scheduledDelayMillis: 50 }, delivery: { initialRetryDelayMs: 10, maxRetryDelayMs: 50, concurrency: 1 } });
    const s = agentops.startSession();
    for (let i = 0; i < 300; i++) s.record(new agentops.ToolEvent({ name: `t${i}` }));
    s.end();
    await receiver.waitForSpans(301, 15_000);
    const attempts = receiver.requests.filter((r) => r.path === '/v1/traces');
    const throttled = attempts.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(4);
    // Our own backoff would retry within 50 ms; the server asked for a second and got it.
    for (let i = 1; i < attempts.length; i++) {
      if (attempts[i - 1]!.status === 429) expect(attempts[i]!.at - attempts[i - 1]!.at).toBeGreaterThanOrEqual(950);
    }
    expect(receiver.duplicates()).toEqual([]);
    expect(receiver.spans()).toHaveLength(301);
    expect(await agentops.flush(2000)).toBe(true);
    expect(client.stats().destinations.collector!.spansSent).toBe(301);
  });

  it('keeps memory under a full buffer, counts every drop, reports it, and delivers what comes after', async () => {
    receiver = await OtlpReceiver.start();
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url });
    await receiver.stop();
    const logger = new CaptureLogger();
    const cap = 32 * 1024;
    const client = agentops.init({
      autoStartSession: false,
      logger,
      metrics: false,
      batch: { scheduledDelayMillis: 10, maxExportBatchSize: 20 },
      delivery: { maxBufferBytes: cap, initialRetryDelayMs: 20, maxRetryDelayMs: 100 },
    });
    const s = agentops.startSession();
    let peak = 0;
    const payload = 'z'.repeat(300);
    for (let i = 0; i < 1000; i++) {
      s.record(new agentops.ToolEvent({ name: 'big', params: payload }));
      if (i % 20 === 0) {
        await new Promise((r) => setTimeout(r, 2));
        peak = Math.max(peak, client.stats().destinations.collector!.bytesQueued);
      }
    }
    await agentops.flush(300);
    const during = client.stats().destinations.collector!;
    expect(peak).toBeLessThanOrEqual(cap);
    expect(during.bytesQueued).toBeLessThanOrEqual(cap);
    expect(during.spansDropped.buffer_full).toBeGreaterThan(0);
    expect(logger.matching(/destination collector dropped spans \(\d+ buffer_full\)/).length).toBeGreaterThanOrEqual(1);

    await receiver.restart();
    for (let i = 0; i < 50; i++) s.record(new agentops.ToolEvent({ name: 'after-recovery' }));
    s.end();
    expect(await agentops.flush(10_000)).toBe(true);
    const after = client.stats().destinations.collector!;
    // Every span is either delivered or counted as dropped, exactly.
    expect(after.spansSent + after.spansDropped.buffer_full).toBe(1051);
    expect(receiver.spans()).toHaveLength(after.spansSent);
    expect(receiver.spans().filter((x) => x.name === 'execute_tool after-recovery')).toHaveLength(50);
    expect(receiver.duplicates()).toEqual([]);
  });

  it('reports a non-retryable answer with its status and body, and does not retry it', async () => {
    receiver = await OtlpReceiver.start({ reply: () => ({ status: 400, body: 'bad schema: missing resource' }) });
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url });
    const logger = new CaptureLogger();
    const client = agentops.init({ autoStartSession: false, logger, metrics: false, batch: { scheduledDelayMillis: 10 } });
    const s = agentops.startSession();
    s.record(new agentops.ToolEvent({ name: 'x' }));
    s.end();
    await agentops.flush(2000);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests.filter((r) => r.path === '/v1/traces')).toHaveLength(1);
    const stats = client.stats().destinations.collector!;
    expect(stats.spansDropped.non_retryable).toBe(2);
    expect(stats.lastError).toBe('HTTP 400: bad schema: missing resource');
    expect(logger.matching(/HTTP 400: bad schema: missing resource/)).toHaveLength(1);
  });
});
