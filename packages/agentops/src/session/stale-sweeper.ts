/** Ends sessions that stayed open longer than their time to live, as `Indeterminate` (reason `stale`). */
import type { SessionRegistry } from './session-registry';

export class StaleSweeper {
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(registry: SessionRegistry, ttlMs: number) {
    if (ttlMs <= 0) return;
    const every = Math.max(Math.min(ttlMs / 4, 60_000), 10);
    this.timer = setInterval(() => {
      const cutoff = Date.now() - ttlMs;
      for (const s of registry.all()) if (s.startedAt.getTime() <= cutoff) s.end('Indeterminate', 'stale');
    }, every);
    // The sweep must never keep a process alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
