import type { IdGenerator } from '@opentelemetry/sdk-trace';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace';

// The pending session ids live on globalThis so that every copy of this package loaded in a
// process (a bundle and node_modules, say) hands them to whichever provider's generator runs.
const SLOT = Symbol.for('agentops.pendingSessionTraceId');
const SPAN_SLOT = Symbol.for('agentops.pendingSessionSpanId');
type Slot = { [SLOT]?: string; [SPAN_SLOT]?: string };

/**
 * An IdGenerator that gives a session's root span the session's trace id and span id (both derived
 * from the session id) and random ids to everything else. Put it in your own `TracerProvider` to make session ids equal trace ids.
 *
 * @example new TracerProvider({ idGenerator: new SessionIdGenerator(), spanProcessors: agentops.spanProcessors() })
 */
export class SessionIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();

  generateTraceId(): string {
    const slot = globalThis as Slot;
    const pending = slot[SLOT];
    if (pending !== undefined) {
      slot[SLOT] = undefined;
      return pending;
    }
    return this.random.generateTraceId();
  }

  generateSpanId(): string {
    const slot = globalThis as Slot;
    const pending = slot[SPAN_SLOT];
    if (pending !== undefined) {
      slot[SPAN_SLOT] = undefined;
      return pending;
    }
    return this.random.generateSpanId();
  }
}

/**
 * Runs `fn` (which starts the session's root span) with the session's trace id and span id pending
 * for the generator. Each is taken once, whichever the tracer asks for first.
 */
export function withPendingSessionIds<T>(traceId: string, spanId: string, fn: () => T): T {
  const slot = globalThis as Slot;
  slot[SLOT] = traceId;
  slot[SPAN_SLOT] = spanId;
  try {
    return fn();
  } finally {
    slot[SLOT] = undefined;
    slot[SPAN_SLOT] = undefined;
  }
}
