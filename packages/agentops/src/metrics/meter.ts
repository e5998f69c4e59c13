import type { Attributes } from '@opentelemetry/api';

/**
 * Records your own metrics beside the built-in GenAI ones, through the SDK's MeterProvider.
 * Never throws: an invalid name or value is reported once and ignored.
 *
 * @example agentops.meter.recordCounter('orders.refunded', 1, { 'order.channel': 'chat' })
 */
export interface Meter {
  /** Adds `value` (default 1, must be >= 0) to the counter `name`. */
  recordCounter(name: string, value?: number, attributes?: Attributes): void;
  /** Records `value` in the histogram `name`. */
  recordHistogram(name: string, value: number, attributes?: Attributes): void;
  /**
   * Runs `fn` and records how long it took, in seconds, in the histogram `name`; for a promise, until
   * it settles. Records even when `fn` throws or rejects (with `error.type`), then rethrows. Returns
   * exactly what `fn` returns.
   */
  measureDuration<T>(name: string, fn: () => T, attributes?: Attributes): T;
}

/** The Meter when metrics are off: every call does nothing and allocates nothing. */
export class NoOpMeter implements Meter {
  recordCounter(_name: string, _value?: number, _attributes?: Attributes): void {}

  recordHistogram(_name: string, _value: number, _attributes?: Attributes): void {}

  measureDuration<T>(_name: string, fn: () => T, _attributes?: Attributes): T {
    return fn();
  }
}

export const NOOP_METER: Meter = new NoOpMeter();
