/**
 * One instrumented LLM client call in flight: its span (started through the EventRecorder, so the
 * span mapping lives in one place), its LLMEvent, and the session that keeps it open. It ends once,
 * whichever comes first: the response, the end of its stream, an error, or its session ending
 * (then the session marks it abandoned and this call's later end is a no-op).
 */
import type { Context, Span } from '@opentelemetry/api';
import { ErrorEvent } from '../../events/error-event';
import { nowMs } from '../../events/event';
import type { LLMEvent } from '../../events/llm-event';
import { AGENTOPS_STREAM_OUTCOME, HTTP_RESPONSE_STATUS_CODE } from '../../semconv';
import type { Session } from '../../session/session';
import type { InstrumentationHost } from '../host';
import type { StreamOutcome } from '../../watch/stream-watch';

export class LLMCall {
  private ended = false;
  private readonly startedAt: number;
  private firstChunkAt: number | undefined;

  private constructor(
    readonly host: InstrumentationHost,
    readonly span: Span,
    readonly event: LLMEvent,
    private readonly session: Session | undefined,
  ) {
    this.startedAt = nowMs();
  }

  static start(host: InstrumentationHost, event: LLMEvent, parent: Context, session: Session | undefined): LLMCall {
    const span = host.recorder.start(event, parent);
    session?.openSpan(span);
    return new LLMCall(host, span, event, session);
  }

  get capture(): boolean {
    return this.host.recorder.policy.capture;
  }

  get done(): boolean {
    return this.ended;
  }

  /** Notes the first streamed chunk (time to first chunk). */
  chunk(): void {
    if (this.firstChunkAt !== undefined) return;
    this.firstChunkAt = nowMs();
    this.event.timeToFirstChunk = (this.firstChunkAt - this.startedAt) / 1000;
  }

  /** Ends the span with what the event holds now. `outcome` is set for streamed calls. */
  finish(outcome?: StreamOutcome): void {
    if (this.ended) return;
    this.ended = true;
    try {
      // The session ended first and already closed this span as abandoned.
      if (this.session !== undefined && !this.session.closeSpan(this.span)) return;
      const e = this.event;
      // Cost is added by the span processor that prices every LLM span (and honours init({ pricing })).
      if (outcome !== undefined && this.span.isRecording()) this.span.setAttribute(AGENTOPS_STREAM_OUTCOME, outcome);
      this.host.recorder.end(this.span, e);
    } catch (err) {
      internalFailure(this.host, err);
      try {
        this.span.end();
      } catch {
        /* nothing more can be done */
      }
    }
  }

  /** Ends the span as failed with the user's error (which the caller rethrows unchanged). */
  fail(err: unknown, outcome?: StreamOutcome): void {
    if (this.ended) return;
    try {
      const status = httpStatus(err);
      if (status !== undefined && this.span.isRecording()) this.span.setAttribute(HTTP_RESPONSE_STATUS_CODE, status);
      this.event.error = new ErrorEvent({ exception: err, errorType: status !== undefined ? String(status) : undefined });
    } catch (e) {
      internalFailure(this.host, e);
    }
    this.finish(outcome);
  }

  /** Runs a step of recording; a failure is logged once and the call goes on unrecorded from there. */
  guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      internalFailure(this.host, err);
    }
  }
}

/** The HTTP status of an API error (`status` on OpenAI and Anthropic errors), if any. */
export function httpStatus(err: unknown): number | undefined {
  try {
    const s = (err as { status?: unknown } | null)?.status;
    return typeof s === 'number' && Number.isInteger(s) && s >= 100 && s <= 599 ? s : undefined;
  } catch {
    return undefined;
  }
}

export function internalFailure(host: InstrumentationHost, err: unknown): void {
  host.logger.once('instrumentation:internal', 'error', `LLM instrumentation failed and skipped part of a span; the call itself was not affected: ${describe(err)} (reported once)`);
}

function describe(err: unknown): string {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  } catch {
    return 'unknown error';
  }
}
