/**
 * One recorded `client.send(command)` of a model call: the span starts under the right parent, the
 * client's work runs inside it, and it ends from the command's output (the very object the caller
 * gets), from the end of the output's event stream as the caller reads it (read to the end, left
 * early, or failed), or from the error the caller gets. The caller's promise, callback, output and
 * errors are untouched; a failure of this code is logged once and never reaches the call.
 */
import { trace, type Context } from '@opentelemetry/api';
import type { LLMEvent } from '../../events/llm-event';
import { HTTP_RESPONSE_STATUS_CODE } from '../../semconv';
import { watchAsyncIterableInPlace, type StreamObserver, type StreamOutcome } from '../../watch/stream-watch';
import type { InstrumentationHost } from '../host';
import { callParent } from '../parent-context';
import { isRecord, num, str, type StreamAccumulator } from '../shared/llm-adapter';
import { internalFailure, LLMCall } from '../shared/llm-call';
import type { Family } from './invoke-model';
import type { Operation } from './operations';

/** Starts the call's span and returns its observer, or undefined when recording could not start. */
export function startSend(
  host: InstrumentationHost,
  op: Operation,
  event: LLMEvent,
  family: Family,
  active: Context,
  signal: { readonly aborted?: unknown } | undefined,
): { call: SendCall; runIn: Context } | undefined {
  try {
    const parent = callParent(host, active);
    const call = LLMCall.start(host, event, parent.ctx, parent.session);
    // The client's own HTTP work (and any HTTP instrumentation the user has) runs under the LLM span.
    return { call: new SendCall(call, op, family, signal), runIn: trace.setSpan(parent.ctx, call.span) };
  } catch (err) {
    internalFailure(host, err);
    return undefined;
  }
}

export class SendCall implements StreamObserver {
  private acc: StreamAccumulator | undefined;

  constructor(
    private readonly call: LLMCall,
    private readonly op: Operation,
    private readonly family: Family,
    private readonly signal: { readonly aborted?: unknown } | undefined,
  ) {}

  /** The command's output, as the caller receives it. Never throws. */
  output(out: unknown): void {
    const call = this.call;
    if (call.done) return;
    // An unsampled span records nothing: nothing is read from the output or assembled for it.
    const recording = call.span.isRecording();
    let stream: unknown;
    call.guard(() => {
      if (!isRecord(out)) return;
      // Bedrock's request id identifies the call when the reply has no id of its own (Claude's has).
      if (recording) call.event.responseId = str(isRecord(out.$metadata) ? out.$metadata.requestId : undefined);
      const key = this.op.streamKey;
      if (key === undefined) {
        if (recording) this.op.response(call.event, out, this.family, call.capture);
        return;
      }
      stream = out[key];
      if (recording) this.acc = this.op.stream(this.family, call.capture);
    });
    // Watched in place: the caller iterates the very same object; the span ends when the iteration does.
    if (stream !== null && typeof stream === 'object' && watchAsyncIterableInPlace(stream, this)) return;
    call.finish();
  }

  /** The call failed with `err` (which the caller gets unchanged). Never throws. */
  failed(err: unknown, outcome?: StreamOutcome): void {
    const call = this.call;
    if (call.done) return;
    call.guard(() => {
      // AWS SDK errors carry the HTTP status in `$metadata`, not `status`.
      const status = num((err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode);
      if (status !== undefined && call.span.isRecording()) call.span.setAttribute(HTTP_RESPONSE_STATUS_CODE, status);
    });
    call.fail(err, outcome);
  }

  item(chunk: unknown): void {
    this.call.chunk();
    this.acc?.add(chunk);
  }

  end(outcome: StreamOutcome, err?: unknown): void {
    const call = this.call;
    const acc = this.acc;
    if (acc !== undefined) call.guard(() => acc.apply(call.event, call.capture));
    if (outcome === 'error') this.failed(err, outcome);
    // An event stream ends quietly when the call's abortSignal fires: told apart from a full reply.
    else call.finish(outcome === 'completed' && this.signal?.aborted === true ? 'aborted' : outcome);
  }
}
