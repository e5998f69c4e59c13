/**
 * Distinct attribute sets of one instrument, capped. The SDK aggregates one series per distinct
 * set; a caller putting ids or random values into attributes would grow that without bound. Past
 * the cap, measurements go to the OpenTelemetry overflow series (`otel.metric.overflow=true`) and
 * the overflow is reported once.
 *
 * Values are built once per key and reused, so recording a known set allocates nothing.
 */
import type { Attributes } from '@opentelemetry/api';

export const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });

export class AttributeSets<T = Attributes> {
  private readonly sets = new Map<string, T>();
  private overflowValue: T | undefined;
  overflowed = false;

  constructor(
    private readonly cap: number,
    private readonly makeOverflow: () => T,
    private readonly onOverflow: () => void,
  ) {}

  get size(): number {
    return this.sets.size;
  }

  /** The value for `key`, built by `make` the first time; the overflow value past the cap. */
  get(key: string, make: () => T): T {
    const found = this.sets.get(key);
    if (found !== undefined) return found;
    if (this.sets.size >= this.cap) {
      if (!this.overflowed) {
        this.overflowed = true;
        this.onOverflow();
      }
      this.overflowValue ??= this.makeOverflow();
      return this.overflowValue;
    }
    const value = make();
    this.sets.set(key, value);
    return value;
  }
}

/** A stable key for a small attributes object: sorted keys with their values. */
export function attributesKey(attributes: Attributes | undefined): string {
  if (attributes === undefined) return '';
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  if (keys.length > 1) keys.sort();
  let key = '';
  for (const k of keys) {
    const v = attributes[k];
    key += `${k}\u0000${typeof v}\u0000${Array.isArray(v) ? v.join('\u0002') : String(v)}\u0001`;
  }
  return key;
}
