/**
 * Acceptance (metrics): a loopback receiver decodes the OTLP metrics protobuf; after a session with 3
 * LLM calls of known token counts and 2 tool calls (one failing) the token histogram's count and sum
 * per token type, the cost counter, the tool-call counter by outcome and the session counter by end
 * state are exactly what was recorded.
 */
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import * as agentops from '../src';
import { CaptureLogger } from '../../../testing/capture-logger';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { metric } from './helpers/instrumented-run';
import { TEST_PRICES } from './helpers/test-prices';

describe('built-in GenAI metrics over OTLP', () => {
  let collector: OtlpReceiver;
  let vendor: OtlpReceiver;
  let restoreEnv: () => void;

  beforeEach(async () => {
    collector = await OtlpReceiver.start();
    vendor = await OtlpReceiver.start({ vendor: { apiKey: 'metrics-key-0001' } });
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: collector.url });
  });
  afterEach(async () => {
    await agentops.shutdown(1000);
    restoreEnv();
    await Promise.all([collector.close(), vendor.close()]);
  });

  it('exports exact token, cost, tool-call and session figures to the collector and the vendor', async () => {
    const logger = new CaptureLogger();
    agentops.init({
      apiKey: 'metrics-key-0001',
      apiEndpoint: vendor.url,
      exporterEndpoint: `${vendor.url}/v1/traces`,
      autoStartSession: false,
      logger,
      logLevel: 'debug',
      logSessionUrl: false,
      pricing: { ...TEST_PRICES },
    });
    const session = agentops.startSession({ name: 'metrics' });
    // gpt-4o at the test price: $2.50 in, $1.25 cached in, $10 out per million.
    session.record(new agentops.LLMEvent({ model: 'gpt-4o', provider: 'openai', promptTokens: 1000, cachedTokens: 400, completionTokens: 200 }));
    session.record(new agentops.LLMEvent({ model: 'gpt-4o', provider: 'openai', promptTokens: 3000, completionTokens: 500 }));
    // A model with no price: tokens count, cost does not.
    session.record(new agentops.LLMEvent({ model: 'in-house-llm', provider: 'self', promptTokens: 50, completionTokens: 7 }));
    session.record(new agentops.ToolEvent({ name: 'search', params: { q: 'x' }, returns: [] }));
    session.record(new agentops.ToolEvent({ name: 'search', error: new TypeError('index offline') }));
    session.end('Success');
    expect(await agentops.flush(5000)).toBe(true);

    const expectedCost1 = (600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6;
    const expectedCost2 = (3000 * 2.5 + 500 * 10) / 1e6;

    for (const receiver of [collector, vendor]) {
      const metrics = receiver.metrics();
      const tokens = metric(metrics, 'gen_ai.client.token.usage');
      expect(tokens.type).toBe('histogram');
      expect(tokens.unit).toBe('{token}');
      const tokenPoint = (type: string, model: string) => tokens.points.find((p) => p.attributes['gen_ai.token.type'] === type && p.attributes['gen_ai.request.model'] === model)!;
      expect(tokenPoint('input', 'gpt-4o')).toMatchObject({ count: 2, sum: 4000 });
      expect(tokenPoint('output', 'gpt-4o')).toMatchObject({ count: 2, sum: 700 });
      expect(tokenPoint('input', 'in-house-llm')).toMatchObject({ count: 1, sum: 50 });
      expect(tokenPoint('output', 'in-house-llm')).toMatchObject({ count: 1, sum: 7 });
      expect(tokenPoint('input', 'gpt-4o').attributes).toEqual({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.token.type': 'input',
      });
      expect(tokenPoint('input', 'gpt-4o').explicitBounds).toEqual([1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]);

      const duration = metric(metrics, 'gen_ai.client.operation.duration');
      expect(duration.unit).toBe('s');
      expect(duration.points.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(3);
      expect(duration.points[0]!.explicitBounds).toEqual([0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]);

      const cost = metric(metrics, 'agentops.llm.cost');
      expect(cost.type).toBe('sum');
      expect(cost.unit).toBe('USD');
      expect(cost.points).toHaveLength(1);
      expect(cost.points[0]!.value).toBeCloseTo(expectedCost1 + expectedCost2, 12);
      expect(cost.points[0]!.attributes['gen_ai.request.model']).toBe('gpt-4o');

      const tools = metric(metrics, 'agentops.tool.calls');
      expect(tools.points.map((p) => [p.attributes.outcome, p.attributes['gen_ai.tool.name'], p.attributes['error.type'], p.value]).sort()).toEqual([
        ['error', 'search', 'TypeError', 1],
        ['success', 'search', undefined, 1],
      ]);

      const sessions = metric(metrics, 'agentops.sessions');
      expect(sessions.points).toHaveLength(1);
      expect(sessions.points[0]).toMatchObject({ value: 1, attributes: { 'agentops.session.end_state': 'Success' } });
      expect(metric(metrics, 'agentops.session.duration').points[0]!.count).toBe(1);

      // Metric attributes never carry ids or content.
      for (const m of metrics) for (const p of m.points) for (const k of Object.keys(p.attributes)) expect(k).not.toMatch(/id$|messages|arguments|result|prompt/);
    }
    // The vendor's metrics came with the same token as its traces.
    for (const r of vendor.requests.filter((x) => x.path === '/v1/metrics')) expect(r.headers.authorization).toBe('Bearer token-1');
    expect(vendor.authRequests).toHaveLength(1);

    // The same figures are on the spans and in the session's summary.
    const spans = collector.spans();
    const llm = spans.filter((s) => s.name === 'chat gpt-4o');
    expect(llm.map((s) => s.attributes['agentops.llm.cost_usd'])).toEqual([expectedCost1, expectedCost2]);
    expect(spans.find((s) => s.name === 'chat in-house-llm')!.attributes['agentops.llm.cost_usd']).toBeUndefined();
    expect(logger.matching(/no price for model "in-house-llm"/)).toHaveLength(1);
    const root = spans.find((s) => s.name === 'metrics')!;
    expect(root.attributes).toMatchObject({
      'agentops.session.llm_calls': 3,
      'agentops.session.tool_calls': 2,
      'agentops.session.errors': 1,
      'agentops.session.input_tokens': 4050,
      'agentops.session.output_tokens': 707,
    });
    expect(root.attributes['agentops.session.cost_usd']).toBeCloseTo(expectedCost1 + expectedCost2, 12);
    expect(session.summary()).toMatchObject({ llmCalls: 3, toolCalls: 2, errors: 1, inputTokens: 4050, outputTokens: 707, cachedTokens: 400, unpricedLlmCalls: 1, endState: 'Success' });
  });

  it('reaches a reader passed in metricReaders, in the delta temporality it asks for, with exact buckets', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    agentops.init({ autoStartSession: false, logLevel: 'silent', metricReaders: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })] });
    const s = agentops.startSession();
    for (const t of [1, 4, 5, 300]) s.record(new agentops.LLMEvent({ model: 'gpt-4o-mini', promptTokens: t, completionTokens: 1 }));
    await agentops.flush(2000);
    s.record(new agentops.LLMEvent({ model: 'gpt-4o-mini', promptTokens: 70000, completionTokens: 1 }));
    await agentops.flush(2000);
    const exports = exporter.getMetrics().map((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics).find((m) => m.descriptor.name === 'gen_ai.client.token.usage') as HistogramMetricData | undefined);
    const inputPoint = (m: HistogramMetricData | undefined) => m!.dataPoints.find((p) => p.attributes['gen_ai.token.type'] === 'input')!;
    const first = inputPoint(exports[0]);
    expect(first.value.count).toBe(4);
    expect(first.value.sum).toBe(310);
    // Buckets include their upper bound: 1 -> (..1], 4 -> (1,4], 5 -> (4,16], 300 -> (256,1024].
    expect(first.value.buckets.counts).toEqual([1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const second = inputPoint(exports[1]);
    expect(exports[1]!.aggregationTemporality).toBe(AggregationTemporality.DELTA);
    expect(second.value.count).toBe(1);
    expect(second.value.sum).toBe(70000);
    expect(second.value.buckets.counts[9]).toBe(1);
    s.end();
  });

  it('uses init({ pricing }) to add and override models, and keeps a cost the caller gave', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent', pricing: { 'in-house-llm': { input: 1, output: 2 }, 'gpt-4o': { input: 100, output: 100 } } });
    const s = agentops.startSession();
    s.record(new agentops.LLMEvent({ model: 'in-house-llm', promptTokens: 1_000_000, completionTokens: 500_000 }));
    s.record(new agentops.LLMEvent({ model: 'gpt-4o-2024-08-06', promptTokens: 10_000, completionTokens: 0 }));
    s.record(new agentops.LLMEvent({ model: 'gpt-4o', promptTokens: 10, completionTokens: 10, cost: 0.5 }));
    s.end();
    await agentops.flush(5000);
    const costs = collector.spans().filter((x) => x.name.startsWith('chat')).map((x) => x.attributes['agentops.llm.cost_usd']);
    expect(costs).toEqual([2, 1, 0.5]);
    expect(s.summary().costUsd).toBe(3.5);
  });

  it('honours OTEL_METRIC_EXPORT_INTERVAL, and OTEL_METRICS_EXPORTER=none sends no metrics to the collector', async () => {
    const restore = setEnv({ OTEL_METRIC_EXPORT_INTERVAL: '150' });
    try {
      agentops.init({ autoStartSession: false, logLevel: 'silent' });
      agentops.meter.recordCounter('orders.refunded', 2);
      // No flush: the periodic reader must export by itself.
      await collector.waitFor(() => collector.metrics().some((m) => m.name === 'orders.refunded'), 5000, 'a periodic export');
      await agentops.shutdown(1000);
    } finally {
      restore();
    }
    const before = collector.requests.length;
    const restoreNone = setEnv({ OTEL_METRICS_EXPORTER: 'none' });
    try {
      const client = agentops.init({ autoStartSession: false, logLevel: 'silent' });
      expect(client.meter).toBeInstanceOf(agentops.NoOpMeter);
      agentops.startSession().end();
      await agentops.flush(2000);
      expect(collector.requests.slice(before).filter((r) => r.path === '/v1/metrics')).toHaveLength(0);
      expect(collector.requests.slice(before).filter((r) => r.path === '/v1/traces').length).toBeGreaterThan(0);
    } finally {
      restoreNone();
    }
  });

  it('counts spans a destination could not take in agentops.spans.dropped', async () => {
    // An exporter that never answers: its batching queue (size 4) fills and drops the rest.
    const stuck = { export: () => undefined, shutdown: () => Promise.resolve() };
    agentops.init({ autoStartSession: false, logLevel: 'silent', exporters: [stuck], batch: { maxQueueSize: 4, maxExportBatchSize: 2, exportTimeoutMillis: 60_000 } });
    const s = agentops.startSession();
    for (let i = 0; i < 20; i++) s.record(new agentops.ToolEvent({ name: `t${i}` }));
    s.end();
    await agentops.flush(300);
    const dropped = agentops.stats()!.destinations['exporter[0]']!.spansDropped.queue_full;
    expect(dropped).toBeGreaterThan(0);
    await agentops.meter.recordCounter('noop', 0);
    await agentops.flush(300);
    const m = metric(collector.metrics(), 'agentops.spans.dropped');
    const point = m.points.find((p) => p.attributes.destination === 'exporter[0]' && p.attributes.reason === 'queue_full')!;
    expect(point.value).toBe(dropped);
  });

  it('counts a user exporter failing (even calling back with nothing) and one silent through shutdown, in stats and the metric', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => {
      uncaught.push(err);
    };
    process.on('uncaughtException', onUncaught);
    try {
      // Calls back later with no result at all; the other never calls back.
      const careless = { export: (_s: unknown, cb: (r: unknown) => void) => void setTimeout(() => cb(undefined), 5), shutdown: () => Promise.resolve() };
      const silent = { export: () => undefined, shutdown: () => Promise.resolve() };
      agentops.init({ autoStartSession: false, logLevel: 'silent', exporters: [careless as never, silent], batch: { scheduledDelayMillis: 10, exportTimeoutMillis: 60_000 } });
      const s = agentops.startSession();
      for (let i = 0; i < 3; i++) s.record(new agentops.ToolEvent({ name: `t${i}` }));
      s.end();
      expect(await agentops.flush(500)).toBe(false); // the silent exporter never answers
      const careless0 = agentops.stats()!.destinations['exporter[0]']!;
      expect(careless0.spansDropped.export_failed).toBe(4);
      expect(careless0.lastError).toBe('export called back without a result');
      await agentops.meter.recordCounter('noop', 0);
      await agentops.flush(300);
      const m = metric(collector.metrics(), 'agentops.spans.dropped');
      expect(m.points.find((p) => p.attributes.destination === 'exporter[0]' && p.attributes.reason === 'export_failed')!.value).toBe(4);
      const client = agentops.getClient()!;
      await agentops.shutdown(300);
      // The batch the silent exporter held when shutdown gave up is counted, not forgotten.
      const silent1 = client.stats().destinations['exporter[1]']!;
      expect(silent1.spansDropped.shutdown_timeout).toBe(4);
      expect(silent1.spansQueued).toBe(0);
      await new Promise((r) => setTimeout(r, 20));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
