import type { TimeInput } from './event';

/**
 * Epoch milliseconds of a TimeInput, or undefined when it cannot be one. Numbers must be epoch
 * milliseconds: small numbers (such as `performance.now()` values) would silently shift a span by
 * decades, so they are refused rather than guessed at.
 */
export function toEpochMs(t: TimeInput | unknown): number | undefined {
  if (typeof t === 'number') return Number.isFinite(t) && t > 1e11 ? t : undefined;
  if (t instanceof Date) {
    const ms = t.getTime();
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
