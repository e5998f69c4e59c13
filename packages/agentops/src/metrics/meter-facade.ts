/**
 * The Meter over `@opentelemetry/sdk-metrics`: instruments are created once per name and cached,
 * attribute sets are capped per instrument, bad input is reported once and ignored.
 */
import type { Attributes, Counter, Histogram, Meter as OtelMeter } from '@opentelemetry/api';
import { describeError } from '../events/record-error';
import { isThenable } from '../watch/watch-result';
import type { SdkLogger } from '../log';
import { describeValue } from '../errors';
import { AttributeSets, attributesKey, OVERFLOW_ATTRIBUTES } from './attribute-sets';
import { DURATION_BUCKETS } from './genai-metrics';
import type { Meter } from './meter';

// The OpenTelemetry instrument-name syntax.
const NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;
// Instruments per facade: a caller inventing metric names must not grow the caches without bound.
const MAX_INSTRUMENTS = 1000;

interface Instrument<T> {
  instrument: T;
  sets: AttributeSets;
}

export class MeterFacade implements Meter {
  private readonly counters = new Map<string, Instrument<Counter>>();
  private readonly histograms = new Map<string, Instrument<Histogram>>();

  constructor(
    private readonly meter: OtelMeter,
    private readonly logger: SdkLogger,
    private readonly cardinalityLimit: number,
  ) {}

  recordCounter(name: string, value = 1, attributes?: Attributes): void {
    try {
      const c = this.counter(name);
      if (c === undefined) return;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        this.logger.once(`meter:value:${name}`, 'warn', `meter.recordCounter("${name}") needs a finite number >= 0; got ${describeValue(value)}, ignored (reported once per instrument)`);
        return;
      }
      c.instrument.add(value, this.bounded(c.sets, attributes));
    } catch (err) {
      this.logger.once('meter:failed', 'error', `recording a metric failed and was skipped: ${String(err)}`);
    }
  }

  recordHistogram(name: string, value: number, attributes?: Attributes): void {
    this.recordInto(name, value, attributes, false);
  }

  /** `duration`: a histogram this creates is in seconds, with the GenAI duration buckets. */
  private recordInto(name: string, value: number, attributes: Attributes | undefined, duration: boolean): void {
    try {
      const h = this.histogram(name, duration);
      if (h === undefined) return;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        this.logger.once(`meter:value:${name}`, 'warn', `meter.recordHistogram("${name}") needs a finite number; got ${describeValue(value)}, ignored (reported once per instrument)`);
        return;
      }
      h.instrument.record(value, this.bounded(h.sets, attributes));
    } catch (err) {
      this.logger.once('meter:failed', 'error', `recording a metric failed and was skipped: ${String(err)}`);
    }
  }

  measureDuration<T>(name: string, fn: () => T, attributes?: Attributes): T {
    const start = performance.now();
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.recordSeconds(name, start, attributes, err);
      throw err;
    }
    if (isThenable(result)) {
      result.then(
        () => this.recordSeconds(name, start, attributes, undefined),
        (err: unknown) => this.recordSeconds(name, start, attributes, err ?? new Error('rejected')),
      );
      return result;
    }
    this.recordSeconds(name, start, attributes, undefined);
    return result;
  }

  // Runs where the user's own result or error is on its way back to them: it must not throw.
  private recordSeconds(name: string, start: number, attributes: Attributes | undefined, err: unknown): void {
    try {
      const seconds = (performance.now() - start) / 1000;
      const attrs = err === undefined ? attributes : { ...attributes, 'error.type': describeError(err, 200).type };
      this.recordInto(name, seconds, attrs, true);
    } catch (e) {
      this.logger.once(`meter:failed:${name}`, 'warn', `measureDuration("${name}") could not record (${String(e)}); ignored (reported once)`);
    }
  }

  private bounded(sets: AttributeSets, attributes: Attributes | undefined): Attributes {
    if (attributes === undefined || attributes === null || typeof attributes !== 'object') return EMPTY;
    return sets.get(attributesKey(attributes), () => ({ ...attributes }));
  }

  private counter(name: string): Instrument<Counter> | undefined {
    const found = this.counters.get(name);
    if (found) return found;
    if (!this.validName(name, 'recordCounter')) return undefined;
    if (this.histograms.has(name)) {
      this.logger.once(`meter:kind:${name}`, 'warn', `metric "${name}" is a histogram; recordCounter() on it is ignored (reported once)`);
      return undefined;
    }
    if (!this.roomFor(name)) return undefined;
    const made = { instrument: this.meter.createCounter(name), sets: this.sets(name) };
    this.counters.set(name, made);
    return made;
  }

  private histogram(name: string, duration: boolean): Instrument<Histogram> | undefined {
    const found = this.histograms.get(name);
    if (found) return found;
    if (!this.validName(name, 'recordHistogram')) return undefined;
    if (this.counters.has(name)) {
      this.logger.once(`meter:kind:${name}`, 'warn', `metric "${name}" is a counter; recordHistogram() on it is ignored (reported once)`);
      return undefined;
    }
    if (!this.roomFor(name)) return undefined;
    // A duration histogram with the default buckets (0, 5, 10, 25, ...) would put nearly every call in one.
    const options = duration ? { unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS } } : undefined;
    const made = { instrument: this.meter.createHistogram(name, options), sets: this.sets(name) };
    this.histograms.set(name, made);
    return made;
  }

  private roomFor(name: string): boolean {
    if (this.counters.size + this.histograms.size < MAX_INSTRUMENTS) return true;
    this.logger.once('meter:too-many', 'warn', `more than ${MAX_INSTRUMENTS} metric names; "${name}" and later new names are ignored (reported once)`);
    return false;
  }

  private sets(name: string): AttributeSets {
    return new AttributeSets<Attributes>(this.cardinalityLimit, () => OVERFLOW_ATTRIBUTES, () =>
      this.logger.warn(`metric "${name}" reached ${this.cardinalityLimit} distinct attribute sets; further new sets are counted under otel.metric.overflow=true (reported once per metric). Keep ids and free text out of metric attributes.`),
    );
  }

  private validName(name: unknown, method: string): boolean {
    if (typeof name === 'string' && NAME.test(name)) return true;
    this.logger.once(`meter:name:${String(name)}`, 'warn', `meter.${method}() needs a metric name matching ${NAME}; got ${describeValue(name)}, ignored (reported once)`);
    return false;
  }
}

const EMPTY: Attributes = Object.freeze({});
