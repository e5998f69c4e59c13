/**
 * The shared engine behind every patched LLM client method: start the LLM span under the right
 * parent, run the user's call inside it, hand back the very object the client returned, and end
 * the span from the response, the stream or the error. The user's errors are rethrown unchanged;
 * a failure of this code is logged once and never reaches the user's call.
 */
import { trace, type Context, type Span } from '@opentelemetry/api';
import type { LLMEvent } from '../../events/llm-event';
import { hookApiPromise, isStainlessStream, watchStainlessStream, type StainlessStream } from './api-promise';
import type { InstrumentationHost } from '../host';
import { internalFailure, LLMCall } from './llm-call';
import type { LLMAdapter, StreamAccumulator } from './llm-adapter';
import { callParent } from '../parent-context';
import { isAsyncIterable, watchAsyncIterableInPlace, type StreamObserver, type StreamOutcome } from '../../watch/stream-watch';
import { isThenable } from '../../watch/watch-result';

export function traceClientCall<T>(
  host: InstrumentationHost,
  adapter: LLMAdapter,
  event: LLMEvent,
  streamed: boolean,
  active: Context,
  invoke: (span: Span | undefined) => T,
): T {
  let call: LLMCall;
  let runIn: Context;
  try {
    const parent = callParent(host, active);
    call = LLMCall.start(host, event, parent.ctx, parent.session);
    // The client's own HTTP work (and any HTTP instrumentation the user has) runs under the LLM span.
    runIn = trace.setSpan(parent.ctx, call.span);
  } catch (err) {
    internalFailure(host, err);
    return invoke(undefined);
  }
  let result: T;
  try {
    result = host.contextAccess.with(runIn, () => invoke(call.span));
  } catch (err) {
    call.fail(err);
    throw err;
  }
  try {
    const observer = new ClientCallObserver(call, adapter, streamed);
    if (!hookApiPromise(result, observer)) {
      // Not an APIPromise this code knows: watch a thenable through a side branch, else end now.
      if (isThenable(result)) result.then((v) => observer.parsed(v), (err: unknown) => observer.failed(err));
      else observer.parsed(result);
    }
  } catch (err) {
    internalFailure(host, err);
    call.finish();
  }
  return result;
}

class ClientCallObserver implements StreamObserver {
  private acc: StreamAccumulator | undefined;
  private controller: AbortController | undefined;

  constructor(
    private readonly call: LLMCall,
    private readonly adapter: LLMAdapter,
    private readonly streamed: boolean,
  ) {}

  failed(err: unknown): void {
    this.call.fail(err);
  }

  rawOnly(): void {
    this.call.finish();
  }

  responded(): void {
    // The body is read when the user parses it; nothing to record yet.
  }

  /** Called on the user's own path to the parsed body (or a side branch of it): never throws, always returns `data`. */
  parsed(data: unknown): unknown {
    const call = this.call;
    if (call.done) return data;
    // An unsampled span records nothing: nothing is read from the response or assembled for it.
    const recording = call.span.isRecording();
    let stream = false;
    call.guard(() => {
      stream = this.streamed && isStainlessStream(data);
    });
    if (stream) {
      const sdkStream = data as StainlessStream;
      call.guard(() => {
        if (recording) this.acc = this.adapter.stream(call.capture);
        const c = sdkStream.controller;
        this.controller = c !== undefined && c !== null && typeof c === 'object' ? c : undefined;
        watchStainlessStream(sdkStream, this);
      });
      return data;
    }
    // A client whose streamed call resolves to an async generator (Google GenAI): watched in place,
    // so the user iterates the very same object.
    let watched = false;
    if (this.streamed) {
      call.guard(() => {
        if (!isAsyncIterator(data)) return;
        if (recording) this.acc = this.adapter.stream(call.capture);
        watched = watchAsyncIterableInPlace(data, this);
      });
    }
    if (watched) return data;
    if (recording) call.guard(() => this.adapter.response(call.event, data, call.capture));
    call.finish();
    return data;
  }

  item(chunk: unknown): void {
    this.call.chunk();
    this.acc?.add(chunk);
  }

  end(outcome: StreamOutcome, err?: unknown): void {
    const call = this.call;
    const acc = this.acc;
    if (acc !== undefined) call.guard(() => acc.apply(call.event, call.capture));
    if (outcome === 'error') {
      call.fail(err, outcome);
      return;
    }
    // The SDK's stream ends quietly when its AbortController fires: tell that apart from a full answer.
    call.finish(outcome === 'completed' && this.controller?.signal.aborted === true ? 'aborted' : outcome);
  }
}

/** An async iterator that is also iterable: what an async generator object is. */
function isAsyncIterator(v: unknown): v is AsyncIterableIterator<unknown> {
  return isAsyncIterable(v) && typeof (v as { next?: unknown }).next === 'function';
}
