/**
 * Calls `done` when a function's result has settled, without changing what the caller gets: a
 * promise (or any thenable) is returned as the very same object, watched through a side branch that
 * handles its own rejection (so no extra unhandled rejection appears, and none is swallowed).
 */
export type Done = (failed: boolean, errorOrValue: unknown) => void;

/** Whether `v` has a `then` method. A `then` getter that throws (a hostile Proxy) makes it not a thenable, never a throw. */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
  try {
    return typeof (v as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

export function watchResult<T>(result: T, done: Done): T {
  if (isThenable(result)) {
    try {
      result.then(
        (v) => done(false, v),
        (err: unknown) => done(true, err),
      );
    } catch (err) {
      done(true, err);
    }
    return result;
  }
  done(false, result);
  return result;
}
