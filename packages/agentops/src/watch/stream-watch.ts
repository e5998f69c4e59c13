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
 * Watches a ReadableStream in place and returns nothing: the user keeps the very same object (a
 * byte stream stays a byte stream, BYOB readers work). The public ways of consuming it are replaced
 * on the instance, each calling the original:
 *
 * - `getReader()`: the reader's own `read()` and `cancel()` report items and the end (this also
 *   covers consumers that read through a reader, such as `Readable.fromWeb()` and `new Response()`);
 * - `values()` / `[Symbol.asyncIterator]()` (`for await`): the iterator is watched;
 * - `cancel()`: ends as cancelled;
 * - `pipeTo()`: ends when the pipe settles (no items: the pipe reads internally);
 * - `pipeThrough()` and `tee()`: the streams they return are watched in place the same way, and
 *   the first of them to finish ends the watch.
 *
 * Nothing is read ahead of the consumer. A consumer that reads through the stream's internal slots
 * only is not seen; the span is then ended with its session. Returns false when the object cannot be
 * changed (frozen).
 */
export function watchReadableStreamInPlace(stream: ReadableStream<unknown>, observer: StreamObserver, enter: Enter = directly): boolean {
  if (!Object.isExtensible(stream)) return false;
  let ended = false;
  const watch: StreamObserver = {
    item(value) {
      if (ended) return;
      try {
        observer.item(value);
      } catch {
        /* instrumentation must not fail the stream */
      }
    },
    end(outcome, err) {
      if (ended) return;
      ended = true;
      try {
        observer.end(outcome, err);
      } catch {
        /* see item() */
      }
    },
  };
  instrumentStream(stream, watch, enter);
  return true;
}

function instrumentStream(stream: ReadableStream<unknown>, watch: StreamObserver, enter: Enter): void {
  const proto = Object.getPrototypeOf(stream) as ReadableStream<unknown>;
  const getReader = proto.getReader;
  const cancel = proto.cancel;
  const pipeTo = proto.pipeTo;
  const pipeThrough = proto.pipeThrough;
  const tee = proto.tee;
  const iterate = (proto as unknown as Record<PropertyKey, unknown>)[Symbol.asyncIterator] as ((this: unknown, ...a: unknown[]) => AsyncIterator<unknown>) | undefined;
  const values = (proto as unknown as { values?: (this: unknown, ...a: unknown[]) => AsyncIterator<unknown> }).values;

  define(stream, 'getReader', function (this: unknown, ...args: unknown[]) {
    const reader = Reflect.apply(getReader, this, args) as ReadableStreamDefaultReader<unknown>;
    instrumentReader(reader, watch, enter);
    return reader;
  });
  define(stream, 'cancel', function (this: unknown, ...args: unknown[]) {
    watch.end('cancelled');
    return Reflect.apply(cancel, this, args) as Promise<void>;
  });
  if (typeof iterate === 'function') {
    define(stream, Symbol.asyncIterator, function (this: unknown, ...args: unknown[]) {
      return new WatchedIterator(enter(() => Reflect.apply(iterate, this, args)), watch);
    });
  }
  if (typeof values === 'function') {
    define(stream, 'values', function (this: unknown, ...args: unknown[]) {
      return new WatchedIterator(enter(() => Reflect.apply(values, this, args)), watch);
    });
  }
  define(stream, 'pipeTo', function (this: unknown, ...args: unknown[]) {
    const signal = (args[1] as { signal?: AbortSignal } | undefined)?.signal;
    const p = enter(() => Reflect.apply(pipeTo, this, args) as Promise<void>);
    p.then(
      () => watch.end('completed'),
      (err: unknown) => watch.end(signal?.aborted === true ? 'aborted' : 'error', err),
    );
    return p;
  });
  define(stream, 'pipeThrough', function (this: unknown, ...args: unknown[]) {
    const out = enter(() => Reflect.apply(pipeThrough, this, args) as ReadableStream<unknown>);
    if (Object.isExtensible(out)) instrumentStream(out, endOnly(watch), enter);
    return out;
  });
  define(stream, 'tee', function (this: unknown, ...args: unknown[]) {
    const branches = Reflect.apply(tee, this, args) as [ReadableStream<unknown>, ReadableStream<unknown>];
    // Items are taken from the first branch; the end from whichever branch finishes first.
    if (Object.isExtensible(branches[0])) instrumentStream(branches[0], watch, enter);
    if (Object.isExtensible(branches[1])) instrumentStream(branches[1], endOnly(watch), enter);
    return branches;
  });
}

/** The same watch, without items (a derived stream's chunks are not the source's). */
function endOnly(watch: StreamObserver): StreamObserver {
  return { item: () => undefined, end: (outcome, err) => watch.end(outcome, err) };
}

type ReadableStreamReadResultOf = Awaited<ReturnType<ReadableStreamDefaultReader<unknown>['read']>>;

function instrumentReader(reader: ReadableStreamDefaultReader<unknown>, watch: StreamObserver, enter: Enter): void {
  if (!Object.isExtensible(reader)) return;
  const proto = Object.getPrototypeOf(reader) as ReadableStreamDefaultReader<unknown>;
  const read = proto.read as (this: unknown, ...a: unknown[]) => Promise<ReadableStreamReadResultOf>;
  const cancel = proto.cancel;
  const onResult = (r: ReadableStreamReadResultOf): ReadableStreamReadResultOf => {
    if (r.done) watch.end('completed');
    else watch.item(r.value);
    return r;
  };
  const onError = (err: unknown): never => {
    watch.end('error', err);
    throw err;
  };
  define(reader, 'read', function (this: unknown, ...args: unknown[]) {
    return enter(() => Reflect.apply(read, this, args)).then(onResult, onError);
  });
  define(reader, 'cancel', function (this: unknown, ...args: unknown[]) {
    watch.end('cancelled');
    return Reflect.apply(cancel, this, args) as Promise<void>;
  });
}

function define(obj: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: false });
}
