/**
 * Acceptance (interop): a user-built provider with SessionIdGenerator and spanProcessors(): the
 * vendor stub and the user's own exporter both receive sessions whose trace id is the session id.
 * `init({ global: false })` next to a Sentry-style global provider: neither side loses spans and
 * the globals stay theirs.
 */
import { context, createContextKey, ROOT_CONTEXT, trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import * as agentops from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { recordSampleSession } from '../../../testing/workload';
import { TEST_PRICES } from './helpers/test-prices';

describe('bring your own OpenTelemetry', () => {
  let restoreEnv: () => void;
  beforeEach(() => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
  });
  afterEach(async () => {
    await agentops.shutdown(1000);
    trace.disable();
    context.disable();
    restoreEnv();
  });

  it('spanProcessors() + SessionIdGenerator in your provider: the vendor and your exporter get the session, trace id = session id', async () => {
    const vendor = await OtlpReceiver.start({ vendor: { apiKey: 'byo-key-123456' } });
    const mine = new InMemorySpanExporter();
    const provider = new TracerProvider({
      idGenerator: new agentops.SessionIdGenerator(),
      spanProcessors: [
        ...agentops.spanProcessors({ apiKey: 'byo-key-123456', apiEndpoint: vendor.url, exporterEndpoint: `${vendor.url}/v1/traces`, logLevel: 'silent', pricing: { ...TEST_PRICES } }),
        new BatchSpanProcessor({ exporter: mine, scheduledDelayMillis: 10 }),
      ],
    });
    trace.setGlobalTracerProvider(provider);
    try {
      const client = agentops.init({ tracerProvider: provider, autoStartSession: false, logLevel: 'silent', metrics: false, pricing: { ...TEST_PRICES } });
      const session = agentops.startSession({ name: 'byo' });
      const n = await recordSampleSession(session);
      // A span of the application's own, made with the global API, lands in the session too.
      session.run(() => trace.getTracer('app').startSpan('app-work').end());
      expect(await agentops.flush(5000)).toBe(true);
      await provider.forceFlush();

      for (const spans of [vendor.spans().map((s) => ({ traceId: s.traceId, name: s.name })), mine.getFinishedSpans().map((s) => ({ traceId: s.spanContext().traceId, name: s.name }))]) {
        expect(spans).toHaveLength(n + 1);
        expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([session.id.replace(/-/g, '')]));
        expect(spans.map((s) => s.name)).toContain('app-work');
      }
      // Cost and totals come from the processors too.
      expect(vendor.spans().find((s) => s.name === 'chat gpt-4o-mini')!.attributes['agentops.llm.cost_usd']).toBeGreaterThan(0);
      expect(vendor.spans().find((s) => s.name === 'byo')!.attributes['agentops.session.llm_calls']).toBe(1);
      expect(client.stats().destinations.vendor!.spansSent).toBe(n + 1);
      expect(client.tracerProvider).toBe(provider);
    } finally {
      await agentops.shutdown(1000);
      await provider.shutdown();
      await vendor.close();
    }
  });

  it('init({ global: false }) next to a Sentry-style global provider: neither side loses spans, the globals stay theirs', async () => {
    const theirs = new InMemorySpanExporter();
    const theirProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: theirs })] });
    const theirContext = new AsyncLocalStorageContextManager().enable();
    expect(trace.setGlobalTracerProvider(theirProvider)).toBe(true);
    expect(context.setGlobalContextManager(theirContext)).toBe(true);

    const ours = new InMemorySpanExporter();
    agentops.init({ global: false, exporters: [ours], autoStartSession: false, logLevel: 'warn', metrics: false, logger: { debug() {}, info() {}, warn: (m) => { throw new Error(`unexpected warning: ${m}`); }, error: (m) => { throw new Error(m); } } });
    const session = agentops.startSession({ name: 'isolated' });
    const theirTracer = trace.getTracer('sentry-like');
    const theirRoot = theirTracer.startSpan('http.request');
    await context.with(trace.setSpan(context.active(), theirRoot), async () => {
      await session.run(async () => {
        session.record(new agentops.ToolEvent({ name: 'ours' }));
        await new Promise((r) => setTimeout(r, 5));
        theirTracer.startSpan('their-child').end();
      });
    });
    theirRoot.end();
    session.end();
    await agentops.flush(2000);

    expect(ours.getFinishedSpans().map((s) => s.name).sort()).toEqual(['execute_tool ours', 'isolated']);
    const their = theirs.getFinishedSpans();
    expect(their.map((s) => s.name).sort()).toEqual(['http.request', 'their-child']);
    // Their child stayed in their own trace: our private context did not leak into theirs.
    expect(their.find((s) => s.name === 'their-child')!.spanContext().traceId).toBe(theirRoot.spanContext().traceId);
    await agentops.shutdown(1000);
    // Nothing of ours was registered or unregistered.
    expect(trace.setGlobalTracerProvider(new TracerProvider())).toBe(false);
    expect(context.setGlobalContextManager(new AsyncLocalStorageContextManager())).toBe(false);
    // The globals are still theirs: the API hands out their provider and their context manager's context.
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate()).toBe(theirProvider);
    const marker = createContextKey('theirs');
    theirContext.with(ROOT_CONTEXT.setValue(marker, 1), () => expect(context.active().getValue(marker)).toBe(1));
  });
});
