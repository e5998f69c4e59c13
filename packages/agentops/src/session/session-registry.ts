import type { Session } from './session';

/** The open sessions, and nothing else: a session leaves the registry when it ends. */
export class SessionRegistry {
  private readonly open = new Set<Session>();
  private readonly byTrace = new Map<string, Session>();
  private newestSession: Session | undefined;
  started = 0;
  ended = 0;

  add(session: Session): void {
    this.open.add(session);
    this.byTrace.set(session.traceId, session);
    this.newestSession = session;
    this.started++;
  }

  remove(session: Session): void {
    if (!this.open.delete(session)) return;
    if (this.byTrace.get(session.traceId) === session) this.byTrace.delete(session.traceId);
    this.ended++;
    if (this.newestSession === session) {
      // Recomputed only when the newest one ends; Set keeps insertion order.
      let last: Session | undefined;
      for (const s of this.open) last = s;
      this.newestSession = last;
    }
  }

  /** The open session whose trace this is. */
  byTraceId(traceId: string): Session | undefined {
    return this.byTrace.get(traceId);
  }

  get size(): number {
    return this.open.size;
  }

  only(): Session | undefined {
    if (this.open.size !== 1) return undefined;
    return this.open.values().next().value;
  }

  newest(): Session | undefined {
    return this.newestSession;
  }

  all(): Session[] {
    return [...this.open];
  }
}
