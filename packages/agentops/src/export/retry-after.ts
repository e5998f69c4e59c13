/** Longest `Retry-After` the SDK honours: a backend asking for more is waited on in 60 s steps. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP date, RFC 9110 section 10.2.3) into
 * milliseconds from `now`; undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - now, 0), MAX_RETRY_AFTER_MS);
}
