/**
 * The Meter facade: measureDuration records once per call whether fn returns, resolves, throws or
 * rejects, and passes the result or error on unchanged; bad names and values are reported once and
 * ignored; distinct attribute sets are capped.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader, type HistogramMetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import * as agentops from '../src';
import { CaptureLogger } from '../../../testing/capture-logger';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';

describe('the Meter facade', () => {
  let exporter: InMemoryMetricExporter;
  let logger: CaptureLogger;
  let restoreEnv: () => void;

  beforeEach(() => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    logger = new CaptureLogger();
    agentops.init({
      autoStartSession: false,
      logger,
      metricReaders: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
      metrics: { cardinalityLimit: 50 },
    });
  });
  afterEach(async () => {
    await agentops.shutdown(1000);
    restoreEnv();
  });

  async function collected(name: string): Promise<SumMetricData | HistogramMetricData> {
    await agentops.flush(2000);
    const all = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics));
    const found = all.filter((m) => m.descriptor.name === name).pop();
    if (!found) throw new Error(`no ${name}`);
    return found as SumMetricData | HistogramMetricData;
  }

  it('measureDuration records once for a resolving and once for a throwing function, and rethrows', async () => {
    const m = agentops.meter;
    const value = { answer: 42 };
    expect(m.measureDuration('work.duration', () => value, { kind: 'sync' })).toBe(value);
    const promise = Promise.resolve(value);
    const returned = m.measureDuration('work.duration', () => promise, { kind: 'async' });
    expect(returned).toBe(promise);
    await expect(returned).resolves.toBe(value);
    const thrown = new RangeError('sync failure');
    expect(() => m.measureDuration('work.duration', () => { throw thrown; }, { kind: 'sync' })).toThrow(thrown);
    const rejection = new Error('async failure');
    await expect(m.measureDuration('work.duration', () => Promise.reject(rejection), { kind: 'async' })).rejects.toBe(rejection);

    const h = (await collected('work.duration')) as HistogramMetricData;
    const byKey = new Map(h.dataPoints.map((p) => [`${p.attributes.kind}/${p.attributes['error.type'] ?? 'ok'}`, p.value.count]));
    expect(Object.fromEntries(byKey)).toEqual({ 'sync/ok': 1, 'async/ok': 1, 'sync/RangeError': 1, 'async/Error': 1 });
    for (const p of h.dataPoints) expect(p.value.sum).toBeGreaterThanOrEqual(0);
  });

  it('measureDuration records seconds, in a histogram with unit s and the GenAI duration buckets', async () => {
    const started = performance.now();
    await agentops.meter.measureDuration('nap.duration', () => new Promise((r) => setTimeout(r, 120)));
    const elapsedSeconds = (performance.now() - started) / 1000;
    const h = (await collected('nap.duration')) as HistogramMetricData;
    expect(h.descriptor.unit).toBe('s');
    const p = h.dataPoints[0]!;
    expect(p.value.count).toBe(1);
    // Seconds, not milliseconds: at least the 120 ms slept, at most the time the call took.
    expect(p.value.sum).toBeGreaterThanOrEqual(0.115);
    expect(p.value.sum).toBeLessThanOrEqual(elapsedSeconds);
    expect(p.value.buckets.boundaries).toEqual([0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]);
  });

  it('reports invalid names and values once each, never throws, and keeps recording valid ones', async () => {
    const m = agentops.meter;
    for (let i = 0; i < 3; i++) {
      expect(() => m.recordCounter('1-bad name!', 1)).not.toThrow();
      m.recordCounter('good.counter', -1);
      m.recordCounter('good.counter', Number.NaN);
      m.recordHistogram('good.histogram', Number.POSITIVE_INFINITY);
      m.recordHistogram('good.counter', 1);
      m.recordCounter('good.counter', 2, { a: 'x' });
    }
    const c = (await collected('good.counter')) as SumMetricData;
    expect(c.dataPoints.map((p) => p.value)).toEqual([6]);
    expect(logger.matching(/1-bad name!/)).toHaveLength(1);
    expect(logger.matching(/recordCounter\("good.counter"\) needs a finite number >= 0/)).toHaveLength(1);
    expect(logger.matching(/is a counter; recordHistogram/)).toHaveLength(1);
  });

  it('caps distinct attribute sets per instrument and reports the overflow once, losing no measurement', async () => {
    for (let i = 0; i < 2000; i++) agentops.meter.recordCounter('requests', 1, { 'user.id': `u${i}` });
    const c = (await collected('requests')) as SumMetricData;
    expect(c.dataPoints.length).toBe(51);
    const overflow = c.dataPoints.find((p) => p.attributes['otel.metric.overflow'] === true)!;
    expect(overflow.value).toBe(2000 - 50);
    expect(c.dataPoints.reduce((n, p) => n + p.value, 0)).toBe(2000);
    expect(logger.matching(/reached 50 distinct attribute sets/)).toHaveLength(1);
  });
});

describe('memory and allocation (separate processes, with --expose-gc)', () => {
  const root = join(__dirname, '..');
  const run = (code: string): Record<string, number> =>
    JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', code], { cwd: root, encoding: 'utf8', env: { ...process.env, ...SDK_ENV_CLEAR, AGENTOPS_LOG_LEVEL: 'silent' } })) as Record<string, number>;

  it('100,000 recordCounter calls with distinct random attribute values keep memory bounded', () => {
    const code = `
      const a = require('./dist');
      const { PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      a.init({ autoStartSession: false, metricReaders: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600000 })] });
      for (let i = 0; i < 2000; i++) a.meter.recordCounter('warm', 1, { k: 'v' + (i % 10) });
      global.gc(); const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 100000; i++) a.meter.recordCounter('random', 1, { 'request.id': Math.random().toString(36) });
      global.gc(); const after = process.memoryUsage().heapUsed;
      a.flush(2000).then(() => {
        const m = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).filter((x) => x.descriptor.name === 'random').pop();
        console.log(JSON.stringify({ growthMiB: (after - before) / 1048576, points: m.dataPoints.length, total: m.dataPoints.reduce((n, p) => n + p.value, 0) }));
        return a.shutdown(500);
      });`;
    const r = run(code);
    expect(r.points).toBe(1001);
    expect(r.total).toBe(100000);
    // 100,000 unbounded series would hold tens of MiB; the cap keeps growth to the 1,000 kept sets.
    expect(r.growthMiB).toBeLessThan(8);
  });

  it('the allocation probe itself sees an allocation that escapes (guards the test below)', () => {
    const code = `
      const { PerformanceObserver } = require('node:perf_hooks');
      let gcs = 0; let holder;
      const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
      obs.observe({ entryTypes: ['gc'] });
      function rec(name, value, attrs) { holder = { name, value, attrs }; }
      for (let i = 0; i < 5000000; i++) rec('c', 1, null);
      setTimeout(() => { gcs += obs.takeRecords().length; obs.disconnect(); console.log(JSON.stringify({ gcs })); }, 50);`;
    expect(run(code).gcs).toBeGreaterThan(10);
  });

  it('with metrics off, the facade allocates nothing per call (no garbage collection in 5,000,000 calls)', () => {
    const code = `
      const a = require('./dist');
      const { PerformanceObserver } = require('node:perf_hooks');
      const client = a.init({ autoStartSession: false, metrics: false });
      const attrs = { route: '/x' };
      const fn = () => 1;
      for (let i = 0; i < 200000; i++) { a.meter.recordCounter('c', 1, attrs); a.meter.recordHistogram('h', 2, attrs); a.meter.measureDuration('d', fn, attrs); }
      global.gc();
      let gcs = 0;
      const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
      obs.observe({ entryTypes: ['gc'] });
      for (let i = 0; i < 5000000; i++) { a.meter.recordCounter('c', 1, attrs); a.meter.recordHistogram('h', 2, attrs); a.meter.measureDuration('d', fn, attrs); }
      // GC entries are delivered asynchronously: read them after a tick, plus any still buffered.
      setTimeout(() => { gcs += obs.takeRecords().length; obs.disconnect(); console.log(JSON.stringify({ gcs, noop: client.meter instanceof a.NoOpMeter ? 1 : 0 })); a.shutdown(100); }, 50);`;
    const r = run(code);
    expect(r.noop).toBe(1);
    // Even 16 bytes per call would be 240 MB of garbage here: dozens of scavenges.
    expect(r.gcs).toBe(0);
  });
});
