/**
 * Watches a streamed result while the user consumes it: every item the consumer receives, and the
 * end of consumption (done, stopped early, aborted or failed). Nothing is read ahead of the
 * consumer: each `next()` of the watcher is exactly one `next()` of the source, and its result
 * object and its error are passed on as they are.
 */

/** How consumption of a stream ended. */
export type StreamOutcome = 'completed' | 'cancelled' | 'aborted' | 'error';

export interface StreamObserver {
  /** An item, when the consumer receives it. */
  item(value: unknown): void;
  /** Consumption ended; called once. `error` is set for `error`. */
  end(outcome: StreamOutcome, error?: unknown): void;
}

export function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

export function isReadableStream(v: unknown): v is ReadableStream<unknown> {
  return typeof ReadableStream === 'function' && v instanceof ReadableStream;
}

/**
 * An async iterator that forwards to `inner` and reports to `observer`. `return()` (a `break` out
 * of `for await`) and `throw()` are forwarded too, so the source can release its resources (an
 * HTTP stream aborts its request) exactly as without the watcher.
 */
export class WatchedIterator<T> implements AsyncIterableIterator<T> {
  private ended = false;
  // Bound once per stream rather than once per item: items are the hot path of a stream.
  private readonly onResult: (r: IteratorResult<T>) => IteratorResult<T>;
  private readonly onError: (err: unknown) => never;

  constructor(
    private readonly inner: AsyncIterator<T>,
    private readonly observer: StreamObserver,
  ) {
    this.onResult = (r) => {
      if (r !== null && typeof r === 'object' && r.done === true) this.end('completed');
      else if (!this.ended) this.safeItem(r === null || typeof r !== 'object' ? r : r.value);
      return r;
    };
    this.onError = (err) => {
      this.end('error', err);
      throw err;
    };
  }

  next(...args: [] | [unknown]): Promise<IteratorResult<T>> {
    let p: Promise<IteratorResult<T>>;
    try {
      p = this.inner.next(...args);
    } catch (err) {
      this.end('error', err);
      throw err;
    }
    return Promise.resolve(p).then(this.onResult, this.onError);
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    this.end('cancelled');
    const ret = this.inner.return;
    if (typeof ret !== 'function') return Promise.resolve({ done: true, value: value as T });
    return ret.call(this.inner, value);
  }

  throw(err?: unknown): Promise<IteratorResult<T>> {
    const thr = this.inner.throw;
    if (typeof thr !== 'function') {
      this.end('cancelled');
      return Promise.reject(err);
    }
    let p: Promise<IteratorResult<T>>;
    try {
      p = thr.call(this.inner, err);
    } catch (e) {
      this.end('error', e);
      throw e;
    }
    // A generator may catch what is thrown into it and go on yielding: only its answer tells.
    return Promise.resolve(p).then(this.onResult, this.onError);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  end(outcome: StreamOutcome, err?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.observer.end(outcome, err);
    } catch {
      // An observer is instrumentation code; it must never fail the user's iteration.
    }
  }

  private safeItem(v: unknown): void {
    try {
      this.observer.item(v);
    } catch {
      /* see end() */
    }
  }
}

/**
 * Watches an async iterable in place and returns the same object: an async iterator (such as an
 * async generator object) has its `next` / `return` / `throw` replaced on the instance; any other
 * async iterable has its `[Symbol.asyncIterator]` replaced so each iteration is watched. Returns
 * false when the object cannot be changed (frozen), so the caller can fall back.
 */
export function watchAsyncIterableInPlace(obj: object, observer: StreamObserver, enter: Enter = directly): boolean {
  const target = obj as Record<PropertyKey, unknown>;
  try {
    if (!Object.isExtensible(obj)) return false;
    if (typeof target.next === 'function') {
      const next = target.next as AsyncIterator<unknown>['next'];
      const ret = target.return as AsyncIterator<unknown>['return'];
      const thr = target.throw as AsyncIterator<unknown>['throw'];
      // A generator's body runs inside next(): `enter` puts it back in the context it was created in.
      const view: AsyncIterator<unknown> = {
        next: (...a) => enter(() => next.apply(obj, a)),
        return: typeof ret === 'function' ? (v?: unknown) => enter(() => ret.call(obj, v)) : undefined,
        throw: typeof thr === 'function' ? (e?: unknown) => enter(() => thr.call(obj, e)) : undefined,
      };
      const watched = new WatchedIterator(view, observer);
      define(obj, 'next', (...a: [] | [unknown]) => watched.next(...a));
      define(obj, 'return', (v?: unknown) => watched.return(v));
      define(obj, 'throw', (e?: unknown) => watched.throw(e));
      return true;
    }
    const iter = target[Symbol.asyncIterator] as (this: unknown) => AsyncIterator<unknown>;
    if (typeof iter !== 'function') return false;
    define(obj, Symbol.asyncIterator, function (this: unknown) {
      return new WatchedIterator(enter(() => iter.call(this)), observer);
    });
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` in some context (the span's), returning what it returns. */
export type Enter = <R>(fn: () => R) => R;

const directly: Enter = (fn) => fn();

/** An async iterable over `source` that watches it: the fallback when the source cannot be changed in place. */
export function watchedIterable<T>(source: AsyncIterable<T>, observer: StreamObserver): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => new WatchedIterator(source[Symbol.asyncIterator](), observer) };
}

/**
 * A pass-through ReadableStream over `source`: the same chunks (the same objects), the same error,
 * and `cancel()` reaches the source. It pulls only when its consumer reads (high-water mark 0), so
 * nothing is read ahead. A new object is unavoidable: consumers such as `new Response(stream)` or
 * `pipeTo` read a stream through internal slots that cannot be observed on the original.
 */
export function watchedReadableStream<T>(source: ReadableStream<T>, observer: StreamObserver, enter: Enter = directly): ReadableStream<T> {
  let reader: ReadableStreamDefaultReader<T> | undefined;
  let ended = false;
  const end = (outcome: StreamOutcome, err?: unknown): void => {
    if (ended) return;
    ended = true;
    try {
      observer.end(outcome, err);
    } catch {
      /* instrumentation must not fail the stream */
    }
  };
  return new ReadableStream<T>(
    {
      async pull(controller) {
        reader ??= source.getReader();
        let r: Awaited<ReturnType<ReadableStreamDefaultReader<T>['read']>>;
        try {
          const current = reader;
          r = await enter(() => current.read());
        } catch (err) {
          end('error', err);
          controller.error(err);
          return;
        }
        if (r.done) {
          end('completed');
          controller.close();
          return;
        }
        try {
          observer.item(r.value);
        } catch {
          /* see end() */
        }
        controller.enqueue(r.value);
      },
      cancel(reason) {
        end('cancelled');
        return (reader ?? source).cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function define(obj: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: false });
}
