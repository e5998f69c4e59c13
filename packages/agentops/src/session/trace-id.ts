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

/**
 * The span id of a session's span: like the trace id, a pure function of the session id (here, of
 * its trace id), so a process that resumes the session parents its turn under the session span
 * without asking anyone, whether that span was exported already, comes later, or never does.
 */
export function sessionSpanId(traceId: string): string {
  const id = createHash('sha256').update(`agentops.session-span:${traceId}`, 'utf8').digest('hex').slice(0, 16);
  // An all-zero span id is invalid; the odds are 2^-64, the fallback is still a pure function.
  return id === '0000000000000000' ? '0000000000000001' : id;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
