/**
 * The built-in instruments, aggregated here and handed to metric readers as a MetricProducer.
 *
 * Why not the SDK's own instruments: one `histogram.record()` costs a context lookup, a clock read
 * and a JSON hash of the attribute set (about 3 us), and an LLM span needs four of them. Here a
 * span's attribute set is looked up once by a short key and recording is a few additions, so the
 * metrics cost the agent almost nothing; the data points are built only when a reader collects.
 *
 * Attribute sets are bounded to model, provider, operation, tool name, outcome, end state, error
 * type and destination (never ids or content) and capped per instrument, with the overflow series.
 */
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  InstrumentType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricData,
  type MetricProducer,
  type MetricReader,
} from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import type { SdkLogger } from '../log';
import * as A from '../semconv';
import { VERSION } from '../version';
import { AttributeSets, OVERFLOW_ATTRIBUTES } from './attribute-sets';

/** Bucket boundaries the GenAI semantic conventions advise for `gen_ai.client.token.usage`. */
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** Bucket boundaries the GenAI semantic conventions advise for `gen_ai.client.operation.duration` (s). */
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** Session lengths run from seconds to hours. */
export const SESSION_DURATION_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400];

class HistogramSeries {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  readonly counts: number[];

  constructor(
    readonly attributes: Attributes,
    readonly bounds: readonly number[],
    readonly startTime: HrTime,
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(v: number): void {
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    // Buckets include their upper bound: (b[i-1], b[i]].
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
  }
}

class SumSeries {
  value = 0;
  // A series nothing was added to is not exported: an unpriced model has no cost, not a zero one.
  touched = false;
  constructor(
    readonly attributes: Attributes,
    readonly startTime: HrTime,
  ) {}
}

interface Instrument<S> {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly series: S[];
}

type HistogramInstrument = Instrument<HistogramSeries> & { readonly kind: 'histogram'; readonly bounds: readonly number[] };
type SumInstrument = Instrument<SumSeries> & { readonly kind: 'sum' };

interface LlmSeries {
  input: HistogramSeries;
  output: HistogramSeries;
  duration: HistogramSeries;
  cost: SumSeries;
}

interface SessionSeries {
  count: SumSeries;
  duration: HistogramSeries;
}

export class GenAiMetrics {
  private readonly tokenUsage: HistogramInstrument;
  private readonly operationDuration: HistogramInstrument;
  private readonly cost: SumInstrument;
  private readonly toolCalls: SumInstrument;
  private readonly sessions: SumInstrument;
  private readonly sessionDuration: HistogramInstrument;
  private readonly spansDropped: SumInstrument;
  private readonly instruments: ReadonlyArray<HistogramInstrument | SumInstrument>;
  private readonly llmSets: AttributeSets<LlmSeries>;
  private readonly toolSets: AttributeSets<SumSeries>;
  private readonly sessionSets: AttributeSets<SessionSeries>;
  private readonly dropSets: AttributeSets<SumSeries>;

  constructor(cardinalityLimit: number, logger: SdkLogger) {
    const histogram = (name: string, unit: string, description: string, bounds: readonly number[]): HistogramInstrument => ({ kind: 'histogram', name, unit, description, bounds, series: [] });
    const sum = (name: string, unit: string, description: string): SumInstrument => ({ kind: 'sum', name, unit, description, series: [] });
    this.tokenUsage = histogram(A.METRIC_TOKEN_USAGE, '{token}', 'Number of input and output tokens used per LLM call', TOKEN_BUCKETS);
    this.operationDuration = histogram(A.METRIC_OPERATION_DURATION, 's', 'Duration of LLM calls', DURATION_BUCKETS);
    this.cost = sum(A.METRIC_LLM_COST, 'USD', 'Cost of LLM calls, from the pricing table');
    this.toolCalls = sum(A.METRIC_TOOL_CALLS, '{call}', 'Tool calls by tool name and outcome');
    this.sessions = sum(A.METRIC_SESSIONS, '{session}', 'Sessions ended, by end state');
    this.sessionDuration = histogram(A.METRIC_SESSION_DURATION, 's', 'Duration of sessions', SESSION_DURATION_BUCKETS);
    this.spansDropped = sum(A.METRIC_SPANS_DROPPED, '{span}', 'Spans a destination did not receive, by destination and reason');
    this.instruments = [this.tokenUsage, this.operationDuration, this.cost, this.toolCalls, this.sessions, this.sessionDuration, this.spansDropped];

    const overflow = (name: string) => (): void =>
      logger.warn(`metric ${name} reached ${cardinalityLimit} distinct attribute sets; further new sets are counted under otel.metric.overflow=true (reported once per metric)`);
    this.llmSets = new AttributeSets<LlmSeries>(cardinalityLimit, () => this.llmSeries(OVERFLOW_ATTRIBUTES), overflow('gen_ai.client.*'));
    this.toolSets = new AttributeSets<SumSeries>(cardinalityLimit, () => this.sumSeries(this.toolCalls, OVERFLOW_ATTRIBUTES), overflow(A.METRIC_TOOL_CALLS));
    this.sessionSets = new AttributeSets<SessionSeries>(cardinalityLimit, () => this.sessionSeries(OVERFLOW_ATTRIBUTES), overflow(A.METRIC_SESSIONS));
    this.dropSets = new AttributeSets<SumSeries>(cardinalityLimit, () => this.sumSeries(this.spansDropped, OVERFLOW_ATTRIBUTES), overflow(A.METRIC_SPANS_DROPPED));
  }

  recordLlm(
    operation: string,
    provider: string | undefined,
    requestModel: string | undefined,
    responseModel: string | undefined,
    errorType: string | undefined,
    inputTokens: number | undefined,
    outputTokens: number | undefined,
    seconds: number,
    costUsd: number | undefined,
  ): void {
    const key = `${operation}\u0000${provider ?? ''}\u0000${requestModel ?? ''}\u0000${responseModel ?? ''}\u0000${errorType ?? ''}`;
    const s = this.llmSets.get(key, () => {
      const base: Attributes = { [A.GEN_AI_OPERATION_NAME]: operation };
      if (provider !== undefined) base[A.GEN_AI_PROVIDER_NAME] = provider;
      if (requestModel !== undefined) base[A.GEN_AI_REQUEST_MODEL] = requestModel;
      if (responseModel !== undefined) base[A.GEN_AI_RESPONSE_MODEL] = responseModel;
      if (errorType !== undefined) base[A.ERROR_TYPE] = errorType;
      return this.llmSeries(base);
    });
    if (inputTokens !== undefined) s.input.observe(inputTokens);
    if (outputTokens !== undefined) s.output.observe(outputTokens);
    s.duration.observe(seconds);
    if (costUsd !== undefined) GenAiMetrics.add(s.cost, costUsd);
  }

  recordTool(toolName: string | undefined, errorType: string | undefined): void {
    const s = this.toolSets.get(`${toolName ?? ''}\u0000${errorType ?? ''}`, () => {
      const a: Attributes = { outcome: errorType === undefined ? 'success' : 'error' };
      if (toolName !== undefined) a[A.GEN_AI_TOOL_NAME] = toolName;
      if (errorType !== undefined) a[A.ERROR_TYPE] = errorType;
      return this.sumSeries(this.toolCalls, a);
    });
    GenAiMetrics.add(s, 1);
  }

  recordSession(endState: string, seconds: number): void {
    const s = this.sessionSets.get(endState, () => this.sessionSeries({ [A.AGENTOPS_SESSION_END_STATE]: endState }));
    GenAiMetrics.add(s.count, 1);
    s.duration.observe(seconds);
  }

  recordDropped(destination: string, reason: string, spans: number): void {
    const s = this.dropSets.get(`${destination}\u0000${reason}`, () => this.sumSeries(this.spansDropped, { destination, reason }));
    GenAiMetrics.add(s, spans);
  }

  private static add(s: SumSeries, v: number): void {
    s.value += v;
    s.touched = true;
  }

  /** A producer for one reader, in the temporality that reader asks for. */
  producerFor(temporality: AggregationTemporality): MetricProducer {
    return new BuiltInProducer(this.instruments, temporality);
  }

  /**
   * Adds the built-in metrics to a reader the user built. MetricReader only takes external
   * producers through its constructor, so they are appended to its producer list; returns false
   * when that list is not where the SDK keeps it.
   */
  attachTo(reader: MetricReader): boolean {
    const producers = (reader as unknown as { _metricProducers?: unknown })._metricProducers;
    if (!Array.isArray(producers)) return false;
    let temporality = AggregationTemporality.CUMULATIVE;
    try {
      temporality = reader.selectAggregationTemporality(InstrumentType.HISTOGRAM);
    } catch {
      /* cumulative, the OTLP default */
    }
    producers.push(this.producerFor(temporality));
    return true;
  }

  private llmSeries(base: Attributes): LlmSeries {
    return {
      input: this.histogramSeries(this.tokenUsage, { ...base, [A.GEN_AI_TOKEN_TYPE]: 'input' }),
      output: this.histogramSeries(this.tokenUsage, { ...base, [A.GEN_AI_TOKEN_TYPE]: 'output' }),
      duration: this.histogramSeries(this.operationDuration, base),
      cost: this.sumSeries(this.cost, base),
    };
  }

  private sessionSeries(attributes: Attributes): SessionSeries {
    return { count: this.sumSeries(this.sessions, attributes), duration: this.histogramSeries(this.sessionDuration, attributes) };
  }

  private histogramSeries(instrument: HistogramInstrument, attributes: Attributes): HistogramSeries {
    const s = new HistogramSeries(attributes, instrument.bounds, hrTime());
    instrument.series.push(s);
    return s;
  }

  private sumSeries(instrument: SumInstrument, attributes: Attributes): SumSeries {
    const s = new SumSeries(attributes, hrTime());
    instrument.series.push(s);
    return s;
  }
}

/** Last values a delta reader saw, per series. */
interface Seen {
  count: number;
  sum: number;
  counts: number[];
  value: number;
  at: HrTime;
}

class BuiltInProducer implements MetricProducer {
  private readonly seen = new WeakMap<object, Seen>();

  constructor(
    private readonly instruments: ReadonlyArray<HistogramInstrument | SumInstrument>,
    private readonly temporality: AggregationTemporality,
  ) {}

  collect(): Promise<CollectionResult> {
    const now = hrTime();
    const delta = this.temporality === AggregationTemporality.DELTA;
    const metrics: MetricData[] = [];
    for (const inst of this.instruments) {
      if (inst.series.length === 0) continue;
      const descriptor = { name: inst.name, description: inst.description, unit: inst.unit, valueType: ValueType.DOUBLE };
      if (inst.kind === 'histogram') {
        const dataPoints: DataPoint<Histogram>[] = [];
        for (const s of inst.series) {
          const prev = delta ? this.seen.get(s) : undefined;
          const count = s.count - (prev?.count ?? 0);
          if (delta) this.seen.set(s, { count: s.count, sum: s.sum, counts: [...s.counts], value: 0, at: now });
          if (count === 0 && (delta || s.count === 0)) continue;
          dataPoints.push({
            attributes: s.attributes,
            startTime: prev?.at ?? s.startTime,
            endTime: now,
            value: {
              buckets: { boundaries: [...s.bounds], counts: prev ? s.counts.map((c, i) => c - (prev.counts[i] ?? 0)) : [...s.counts] },
              count,
              sum: s.sum - (prev?.sum ?? 0),
              // min and max describe the whole series; a delta window does not know its own.
              ...(delta && prev ? {} : { min: s.min, max: s.max }),
            },
          });
        }
        if (dataPoints.length > 0) metrics.push({ descriptor, aggregationTemporality: this.temporality, dataPointType: DataPointType.HISTOGRAM, dataPoints });
      } else {
        const dataPoints: DataPoint<number>[] = [];
        for (const s of inst.series) {
          if (!s.touched) continue;
          const prev = delta ? this.seen.get(s) : undefined;
          const value = s.value - (prev?.value ?? 0);
          if (delta) this.seen.set(s, { count: 0, sum: 0, counts: [], value: s.value, at: now });
          if (delta && value === 0 && prev) continue;
          dataPoints.push({ attributes: s.attributes, startTime: prev?.at ?? s.startTime, endTime: now, value });
        }
        if (dataPoints.length > 0) metrics.push({ descriptor, aggregationTemporality: this.temporality, dataPointType: DataPointType.SUM, dataPoints, isMonotonic: true });
      }
    }
    return Promise.resolve({
      // The reader keeps the SDK's resource; this one is not used.
      resourceMetrics: { resource: emptyResource(), scopeMetrics: metrics.length ? [{ scope: { name: 'agentops', version: VERSION }, metrics }] : [] },
      errors: [],
    });
  }
}
