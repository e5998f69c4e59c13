/**
 * Watching a `Query` (what `query()` returns: an async generator of SDKMessage with control
 * methods such as `interrupt()`) without replacing it: the caller keeps the very same object, its
 * own methods and the very same message objects. Its `next`, `return` and `throw` are wrapped as own
 * properties of the instance, and so is `[Symbol.asyncIterator]` (the SDK's returns an inner
 * generator, which `for await` would read directly) so that its iterator is watched too. A query
 * whose caller stops early (`break`, `return()`) still ends its spans.
 */
import { context } from '@opentelemetry/api';
import { activeHost } from '../host';
import { FRAMEWORK, QueryRecorder, queryInfo, type QueryInfo } from './mapping';

const WATCHED = Symbol.for('agentops.claude-agent-sdk.watched');

type AsyncIter = AsyncIterator<unknown> & { [Symbol.asyncIterator]?: () => AsyncIterator<unknown> };

/** Whether `value` looks like a Query: an async iterator with the SDK's control methods. */
export function isQuery(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const q = value as Record<PropertyKey, unknown>;
  return typeof q.next === 'function' && typeof q.return === 'function' && typeof q[Symbol.asyncIterator] === 'function' && typeof q.interrupt === 'function';
}

/**
 * `query(params)` with the call recorded: the agent span opens here, and the SDK's own work runs
 * under it. The exact usage of each model call comes only with partial messages (the API's final
 * `message_delta`): unless the caller asked for them, they are asked for here and kept from the
 * caller, who reads the same messages as without agentops.
 */
export function tracedQuery(original: (...args: unknown[]) => unknown, thisArg: unknown, args: unknown[]): unknown {
  if (activeHost() === undefined) return original.apply(thisArg, args);
  let recorder: QueryRecorder | undefined;
  let callArgs = args;
  let hide = false;
  try {
    recorder = new QueryRecorder(queryInfo(args[0]));
    const params = args[0] as { options?: Record<string, unknown> } | undefined;
    if (params !== null && typeof params === 'object' && (params.options === undefined || (params.options !== null && typeof params.options === 'object'))) {
      if (params.options?.includePartialMessages !== true) {
        callArgs = [{ ...params, options: { ...params.options, includePartialMessages: true } }, ...args.slice(1)];
        hide = true;
      }
    }
  } catch {
    recorder = undefined;
    callArgs = args;
    hide = false;
  }
  const ctx = recorder?.context();
  let result: unknown;
  try {
    result = ctx === undefined ? original.apply(thisArg, callArgs) : context.with(ctx, () => original.apply(thisArg, callArgs));
  } catch (err) {
    recorder?.failed(err);
    throw err;
  }
  if (recorder !== undefined) {
    if (isQuery(result)) watchQuery(result as AsyncIter, recorder, isOnePrompt(args[0]), hide);
    else recorder.failed(new TypeError('query() returned something that is not an async iterator'));
  }
  return result;
}

/** `agentops.instrument(query(...))`: a query made without the patch, recorded from now on. */
export function watchUnpatchedQuery(q: object, info?: Partial<QueryInfo>): boolean {
  if ((q as Record<symbol, unknown>)[WATCHED] !== undefined || activeHost() === undefined) return false;
  watchQuery(q as AsyncIter, new QueryRecorder({ ...queryInfo(undefined), ...info }), false, false);
  return true;
}

function isOnePrompt(params: unknown): boolean {
  return params !== null && typeof params === 'object' && typeof (params as { prompt?: unknown }).prompt === 'string';
}

function watchQuery(q: AsyncIter, recorder: QueryRecorder, onePrompt: boolean, hide: boolean): void {
  try {
    if ((q as unknown as Record<symbol, unknown>)[WATCHED] !== undefined) return;
    Object.defineProperty(q, WATCHED, { value: true });
    const watch = (it: AsyncIter): AsyncIter => watched(it, recorder, onePrompt, hide);
    const self = watch(q);
    for (const key of ['next', 'return', 'throw'] as const) {
      const fn = self[key];
      if (typeof q[key] === 'function' && fn !== undefined) Object.defineProperty(q, key, { value: fn, writable: true, configurable: true, enumerable: false });
    }
    const iterate = q[Symbol.asyncIterator];
    if (typeof iterate === 'function') {
      Object.defineProperty(q, Symbol.asyncIterator, {
        value: function asyncIterator(this: unknown) {
          const inner = iterate.call(this);
          // The SDK's iterator is the query itself in some versions: already watched.
          return inner === q || inner === null || typeof inner !== 'object' ? inner : watch(inner);
        },
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  } catch (err) {
    activeHost()?.logger.once(`${FRAMEWORK}:watch`, 'warn', `${FRAMEWORK}: a query could not be watched; it runs unrecorded (${String(err)}) (reported once)`);
    recorder.abandoned();
  }
}

/**
 * An iterator that hands out what `it` hands out, unchanged, and shows each message to the recorder;
 * with `hide`, the partial messages asked for on the caller's behalf are shown to the recorder only.
 */
function watched(it: AsyncIter, recorder: QueryRecorder, onePrompt: boolean, hide: boolean): AsyncIter {
  const next = it.next;
  const ret = it.return;
  const thr = it.throw;
  const pull = (args: [] | [unknown]): Promise<IteratorResult<unknown>> =>
    Promise.resolve(next.apply(it, args)).then(
      (r) => {
        if (r === null || typeof r !== 'object') return r;
        if (hide && r.done !== true && isPartial(r.value)) {
          recorder.observe(r.value);
          return pull([]);
        }
        if (r.done === true) recorder.done();
        else {
          recorder.observe(r.value);
          if (onePrompt && isResult(r.value)) recorder.done();
        }
        return r;
      },
      (err: unknown) => {
        recorder.failed(err);
        throw err;
      },
    );
  const out: AsyncIter = {
    next(...args: [] | [unknown]) {
      return pull(args);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  if (typeof ret === 'function') {
    out.return = (value?: unknown) => {
      recorder.abandoned();
      return Promise.resolve(ret.call(it, value));
    };
  }
  if (typeof thr === 'function') {
    out.throw = (err?: unknown) => {
      if (!recorder.ended) recorder.failed(err);
      return Promise.resolve(thr.call(it, err));
    };
  }
  return out;
}

function isResult(m: unknown): boolean {
  return m !== null && typeof m === 'object' && (m as { type?: unknown }).type === 'result';
}

/** What the CLI sends only with partial messages: the stream events, and the `requesting` status before each model call. */
function isPartial(m: unknown): boolean {
  if (m === null || typeof m !== 'object') return false;
  const { type, subtype, status } = m as { type?: unknown; subtype?: unknown; status?: unknown };
  return type === 'stream_event' || (type === 'system' && subtype === 'status' && status === 'requesting');
}
