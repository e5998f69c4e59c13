import type { IdGenerator } from '@opentelemetry/sdk-trace';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace';

// The pending session trace id lives on globalThis so that every copy of this package loaded in a
// process (a bundle and node_modules, say) hands it to whichever provider's generator runs.
const SLOT = Symbol.for('agentops.pendingSessionTraceId');
type Slot = { [SLOT]?: string };

/**
 * An IdGenerator that gives a session's root span the session's trace id and random ids to
 * everything else. Put it in your own `TracerProvider` to make session ids equal trace ids.
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
    return this.random.generateSpanId();
  }
}

/** Runs `fn` (which starts the session's root span) with `traceId` pending for the generator. */
export function withPendingTraceId<T>(traceId: string, fn: () => T): T {
  const slot = globalThis as Slot;
  slot[SLOT] = traceId;
  try {
    return fn();
  } finally {
    slot[SLOT] = undefined;
  }
}
