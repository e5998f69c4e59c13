/**
 * Waiting with a bound. Background waits use unref'd timers, so they never keep a process alive;
 * a wait the user asked for (`await agentops.flush()`) keeps it alive until the bound, never longer.
 */

/** True when `p` settled (either way) within `ms`, false when the bound came first. */
export function settledWithin(p: Promise<unknown>, ms: number, holdProcess = false): Promise<boolean> {
  return raceDeadline(
    p.then(
      () => true,
      () => true,
    ),
    ms,
    false,
    holdProcess,
  );
}

/** `p`'s value, or `fallback` when `p` rejects or `ms` passes first. */
export function raceDeadline<T>(p: Promise<T>, ms: number, fallback: T, holdProcess = false): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    if (!holdProcess) timer.unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/** Resolves after `ms`, without keeping the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
  });
}

// Node's timers take at most 2^31 - 1 ms (a larger value fires after 1 ms, with a process warning);
// a minute is left for the small margins added to a deadline inside.
const MAX_TIMEOUT_MS = 2 ** 31 - 1 - 60_000;

/** A timeout the user passed, as one a timer can take; `fallback` when it is not a number >= 0. */
export function validTimeout(ms: unknown, fallback: number): number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_TIMEOUT_MS) : fallback;
}
