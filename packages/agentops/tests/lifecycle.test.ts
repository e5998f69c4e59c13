/**
 * init / shutdown lifecycle: a second init() returns the existing client with a warning; after
 * shutdown() init() starts afresh; the SDK registers as the global TracerProvider only when none is
 * registered yet; `enabled: false` / OTEL_SDK_DISABLED make every call a no-op.
 */
import { trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import * as agentops from '../src';
import { CaptureLogger } from '../../../testing/capture-logger';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { closedPort, OtlpReceiver } from '../../../testing/otlp-receiver';

describe('lifecycle', () => {
  let receiver: OtlpReceiver;
  let restoreEnv: () => void;

  beforeEach(async () => {
    receiver = await OtlpReceiver.start();
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url });
  });
  afterEach(async () => {
    await agentops.shutdown(1000);
    trace.disable();
    restoreEnv();
    await receiver.close();
  });

  it('returns the existing client from a second init() with one warning, and starts afresh after shutdown()', async () => {
    const logger = new CaptureLogger();
    const first = agentops.init({ autoStartSession: false, logger });
    const again = agentops.init({ autoStartSession: false, logger, serviceName: 'ignored' });
    agentops.init({ autoStartSession: false, logger });
    expect(again).toBe(first);
    expect(logger.matching(/init\(\) called again/)).toHaveLength(1);

    const s1 = agentops.startSession();
    s1.end();
    await agentops.shutdown(2000);
    expect(agentops.getClient()).toBeUndefined();

    const second = agentops.init({ autoStartSession: false, logLevel: 'silent', serviceName: 'second-run' });
    expect(second).not.toBe(first);
    const s2 = agentops.startSession();
    s2.end();
    await agentops.flush(2000);
    const roots = receiver.spans().filter((s) => s.name === 'session');
    expect(roots.map((s) => s.traceId)).toEqual([s1.traceId, s2.traceId]);
    expect(roots[1]!.resource['service.name']).toBe('second-run');
  });

  it('registers as the global provider when none is, so plain OpenTelemetry spans are exported too', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent' });
    const session = agentops.startSession();
    session.run(() => {
      const span = trace.getTracer('my-app').startSpan('my-own-span');
      span.end();
    });
    session.end();
    await agentops.flush(2000);
    const mine = receiver.spans().find((s) => s.name === 'my-own-span')!;
    expect(mine.traceId).toBe(session.traceId);
    expect(mine.scope.name).toBe('my-app');
    await agentops.shutdown(1000);
    // After shutdown the global registration is released for whoever comes next.
    expect(trace.setGlobalTracerProvider(new TracerProvider())).toBe(true);
  });

  it('leaves an existing global provider in place, logs once how to use spanProcessors(), and still records sessions', async () => {
    const theirs = new InMemorySpanExporter();
    const existing = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: theirs })] });
    expect(trace.setGlobalTracerProvider(existing)).toBe(true);
    const logger = new CaptureLogger();
    agentops.init({ autoStartSession: false, logger });
    expect(logger.matching(/spanProcessors\(\)/)).toHaveLength(1);
    const session = agentops.startSession();
    session.run(() => trace.getTracer('theirs').startSpan('their-span').end());
    session.record(new agentops.ToolEvent({ name: 'ours' }));
    session.end();
    await agentops.flush(2000);
    // Ours went to our destinations; theirs stayed with their provider, in our session's trace.
    expect(receiver.spans().map((s) => s.name).sort()).toEqual(['execute_tool ours', 'session']);
    const their = theirs.getFinishedSpans();
    expect(their.map((s) => s.name)).toEqual(['their-span']);
    expect(their[0]!.spanContext().traceId).toBe(session.traceId);
    await agentops.shutdown(1000);
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate()).toBe(existing);
    // Our shutdown did not unregister their provider.
    expect(trace.setGlobalTracerProvider(new TracerProvider())).toBe(false);
  });

  it.each([
    ['enabled: false', { enabled: false }, {}],
    ['OTEL_SDK_DISABLED=true', {}, { OTEL_SDK_DISABLED: 'true' }],
    ['AGENTOPS_ENABLED=false', {}, { AGENTOPS_ENABLED: 'false' }],
  ])('%s makes every call a no-op and registers nothing', async (_label, options, env) => {
    const restore = setEnv(env);
    try {
      const client = agentops.init({ ...options, logLevel: 'silent' });
      expect(client.enabled).toBe(false);
      expect(client.tracerProvider).toBeUndefined();
      const session = agentops.startSession({ tags: ['x'] });
      expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(session.traceId).toBe(session.id.replace(/-/g, ''));
      const value = session.run(() => {
        agentops.record(new agentops.LLMEvent({ model: 'm' }));
        return session.trace(new agentops.ActionEvent({ actionType: 'a' }), () => 7);
      });
      expect(value).toBe(7);
      session.end();
      expect(await agentops.flush(100)).toBe(true);
      await agentops.shutdown(100);
      expect(receiver.requests).toHaveLength(0);
      expect(trace.setGlobalTracerProvider(new TracerProvider())).toBe(true);
    } finally {
      restore();
    }
  });

  it('before init(), startSession and record do nothing and say so once', () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const s = agentops.startSession();
      agentops.record(new agentops.ToolEvent({ name: 't' }));
      agentops.startSession();
      s.end();
      expect(writes.filter((w) => w.includes('startSession() called before init()'))).toHaveLength(1);
      expect(writes.filter((w) => w.includes('record() called before init()'))).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('logs the session URL at start and end when sending to the vendor, unless logSessionUrl is false', async () => {
    const vendor = await OtlpReceiver.start({ vendor: { apiKey: 'k-1234' } });
    try {
      const logger = new CaptureLogger();
      agentops.init({ apiKey: 'k-1234', apiEndpoint: vendor.url, exporterEndpoint: `${vendor.url}/v1/traces`, appUrl: 'https://viewer.example', autoStartSession: false, logger });
      const s = agentops.startSession();
      s.end();
      const urls = logger.matching(/https:\/\/viewer\.example\/sessions\?trace_id=/);
      expect(urls.map((l) => l.message)).toEqual([`session ${s.id} started: ${s.url}`, `session ${s.id} ended (Success): ${s.url}`]);
      expect(s.url).toBe(`https://viewer.example/sessions?trace_id=${s.traceId}`);
      await agentops.shutdown(1000);

      const quiet = new CaptureLogger();
      agentops.init({ apiKey: 'k-1234', apiEndpoint: vendor.url, exporterEndpoint: `${vendor.url}/v1/traces`, autoStartSession: false, logSessionUrl: false, logger: quiet });
      agentops.startSession().end();
      expect(quiet.matching(/sessions\?trace_id=/)).toHaveLength(0);
    } finally {
      await agentops.shutdown(1000);
      await vendor.close();
    }
  });

  it('autoStartSession opens a session when something is recorded with none open, and it ends at shutdown() as Indeterminate', async () => {
    const client = agentops.init({ logLevel: 'silent' });
    expect(client.autoSession).toBeUndefined();
    agentops.record(new agentops.ToolEvent({ name: 'auto' }));
    expect(client.autoSession).toBeDefined();
    await agentops.shutdown(2000);
    const spans = receiver.spans();
    const root = spans.find((s) => s.name === 'session')!;
    expect(root.traceId).toBe(client.autoSession!.traceId);
    expect(root.attributes['agentops.session.end_state']).toBe('Indeterminate');
    expect(root.attributes['agentops.session.end_reason']).toBe('shutdown');
    expect(spans.find((s) => s.name === 'execute_tool auto')!.parentSpanId).toBe(root.spanId);
  });

  it('shutdown() and flush() never reject, and calls after shutdown do not throw', async () => {
    const memory = new InMemorySpanExporter();
    agentops.init({ autoStartSession: false, logLevel: 'silent', exporters: [memory] });
    const s = agentops.startSession();
    s.record(new agentops.ToolEvent({ name: 'early' }));
    // A live client: an invalid deadline falls back to the default and the flush still delivers.
    await expect(agentops.flush(Number.NaN)).resolves.toBe(true);
    await expect(agentops.flush(-1)).resolves.toBe(true);
    expect(memory.getFinishedSpans().map((x) => x.name)).toEqual(['execute_tool early']);
    await expect(agentops.shutdown(-5)).resolves.toBeUndefined();
    expect(s.ended).toBe(true);
    // No client any more: these are no-ops that still resolve.
    await expect(agentops.flush(Number.NaN)).resolves.toBe(true);
    await expect(agentops.shutdown(Number.NaN)).resolves.toBeUndefined();
    expect(() => s.record(new agentops.ToolEvent({ name: 'late' }))).not.toThrow();
    expect(() => s.end()).not.toThrow();
  });

  it('flush() with the only destination down resolves false at its deadline and leaves sessions open', async () => {
    const restore = setEnv({ OTLP_EXPORTER_ENDPOINT: `http://127.0.0.1:${await closedPort()}` });
    try {
      const client = agentops.init({ autoStartSession: false, logLevel: 'silent', batch: { scheduledDelayMillis: 10 }, delivery: { initialRetryDelayMs: 50 } });
      const s = agentops.startSession();
      s.record(new agentops.ToolEvent({ name: 'waiting' }));
      const started = Date.now();
      await expect(agentops.flush(400)).resolves.toBe(false);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(350);
      expect(took).toBeLessThan(2000);
      expect(s.ended).toBe(false);
      // Still queued for retry, not dropped.
      expect(client.stats().destinations.collector!.spansQueued).toBe(1);
      expect(Object.values(client.stats().destinations.collector!.spansDropped).every((n) => n === 0)).toBe(true);
    } finally {
      await agentops.shutdown(200);
      restore();
    }
  });

  it('takes a timeout beyond what timers allow as the largest they do, without a process warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    const receiver = await OtlpReceiver.start();
    const restore = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url });
    try {
      agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false });
      const s = agentops.startSession();
      s.record(new agentops.ToolEvent({ name: 'patient' }));
      s.end();
      await expect(agentops.flush(3e9)).resolves.toBe(true);
      expect(receiver.spans().map((x) => x.name).sort()).toEqual(['execute_tool patient', 'session']);
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await agentops.shutdown(200);
      restore();
      await receiver.close();
    }
  });
});
