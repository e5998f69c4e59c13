/**
 * Observes the `APIPromise` that the OpenAI (v4 and later) and Anthropic clients return, and hands
 * the very same object back to the user. Its `then` / `withResponse()` / `asResponse()` /
 * `_thenUnwrap()` keep working because only three instance fields are replaced:
 *
 * - `responsePromise`: chained to see the HTTP outcome (an API error rejects it) without parsing;
 * - `parseResponse`: wrapped to see the parsed body when, and only when, the user asks for it
 *   (observing through `then` would parse eagerly and consume the body of a user who only wants
 *   `asResponse()`);
 * - `asResponse`: a raw response requested before any parse ends the span at the response, since
 *   its body may never be parsed.
 *
 * A streamed body is an SDK `Stream`, whose `iterator` is wrapped so the span ends when the user's
 * consumption ends (see stream-watch.ts).
 */
import { WatchedIterator, type StreamObserver } from '../../watch/stream-watch';
import { isThenable } from '../../watch/watch-result';

export interface ApiCallObserver {
  /** The request failed (API error after retries, connection error, abort before the response). */
  failed(err: unknown): void;
  /** The user asked for the raw response only: end once it arrives. */
  rawOnly(): void;
  /** The HTTP response arrived. */
  responded(): void;
  /** The parsed body; returns it unchanged (a stream is watched in place). */
  parsed(data: unknown): unknown;
}

interface StainlessPromise {
  responsePromise: Promise<unknown>;
  parseResponse: (...args: unknown[]) => unknown;
  parsedPromise?: unknown;
  asResponse: () => Promise<unknown>;
}

function isStainlessPromise(v: unknown): v is StainlessPromise {
  if (v === null || typeof v !== 'object') return false;
  const p = v as Partial<StainlessPromise>;
  return isThenable(p.responsePromise) && typeof p.parseResponse === 'function' && typeof p.asResponse === 'function';
}

/** Hooks `p` in place; false when it is not an APIPromise this code knows (the caller falls back). */
export function hookApiPromise(p: unknown, observer: ApiCallObserver): boolean {
  if (!isStainlessPromise(p)) return false;
  const parse = p.parseResponse;
  const asResponse = p.asResponse;
  let rawRequested = false;
  let responded = false;

  p.responsePromise = p.responsePromise.then(
    (props) => {
      responded = true;
      if (rawRequested) observer.rawOnly();
      else observer.responded();
      return props;
    },
    (err: unknown) => {
      observer.failed(err);
      throw err;
    },
  );
  // A regular function: `parseResponse` is called both as a method (v6, Anthropic) and bare (v4).
  p.parseResponse = function (this: unknown, ...args: unknown[]): unknown {
    let out: unknown;
    try {
      out = Reflect.apply(parse, this, args);
    } catch (err) {
      observer.failed(err);
      throw err;
    }
    if (isThenable(out)) {
      return Promise.resolve(out).then(
        (data) => observer.parsed(data),
        (err: unknown) => {
          observer.failed(err);
          throw err;
        },
      );
    }
    return observer.parsed(out);
  };
  Object.defineProperty(p, 'asResponse', {
    value: function (this: StainlessPromise): Promise<unknown> {
      if (this.parsedPromise === undefined && !rawRequested) {
        rawRequested = true;
        if (responded) observer.rawOnly();
      }
      return asResponse.call(this);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return true;
}

/** An SDK `Stream`: `iterator` is the generator factory that `[Symbol.asyncIterator]`, `tee()` and `toReadableStream()` all use. */
export interface StainlessStream {
  iterator: () => AsyncIterator<unknown>;
  controller?: AbortController;
}

export function isStainlessStream(v: unknown): v is StainlessStream {
  return v !== null && typeof v === 'object' && typeof (v as { iterator?: unknown }).iterator === 'function';
}

/** Watches a `Stream` in place: every way of consuming it goes through `iterator`, so that is the one field replaced. */
export function watchStainlessStream(stream: StainlessStream, observer: StreamObserver): void {
  const iterator = stream.iterator;
  stream.iterator = function (this: unknown): AsyncIterator<unknown> {
    return new WatchedIterator(iterator.call(this), observer);
  };
}
