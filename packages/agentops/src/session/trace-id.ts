import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INVALID_TRACE_ID = '0'.repeat(32);

/**
 * The trace id of a session: a UUID's 32 hex digits (no dashes, lower case); for any other string,
 * the first 32 hex digits of its SHA-256, so the same id always maps to the same trace.
 */
export function sessionIdToTraceId(sessionId: string): string {
  if (UUID.test(sessionId)) {
    const hex = sessionId.replace(/-/g, '').toLowerCase();
    // The nil UUID is not a valid trace id; hash it like any other non-UUID string.
    if (hex !== INVALID_TRACE_ID) return hex;
  }
  return createHash('sha256').update(sessionId, 'utf8').digest('hex').slice(0, 32);
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
