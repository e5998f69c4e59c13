/**
 * Turns events into spans: `record()` for work that is already done (one span, start and end as the
 * event says), `start()` / `end()` for work still running (the span is active meanwhile, so events
 * recorded inside nest under it).
 */
import type { Context, Span, TimeInput, Tracer } from '@opentelemetry/api';
import { AGENTOPS_ERROR_CODE, AGENTOPS_ERROR_DETAILS, AGENTOPS_ERROR_TRIGGER_EVENT_ID, AGENTOPS_EVENT_ID, AGENTOPS_RECORD_INCOMPLETE } from '../semconv';
import { safeJson } from '../serialize/safe-json';
import { ErrorEvent } from './error-event';
import { nowMs, type Event } from './event';
import { describeError, exceptionAttributes, recordError, type TextCleaner } from './record-error';
import { eventSpanKind, eventSpanName, invalid, setEndAttributes, setStartAttributes, type ContentPolicy } from './span-mapping';
import { toEpochMs } from './time';

export class EventRecorder {
  constructor(
    private readonly tracer: Tracer,
    readonly policy: ContentPolicy,
  ) {}

  /** Records a finished event as one span under `parent`. */
  record(e: Event, parent: Context): Span {
    const span = this.start(e, parent);
    this.end(span, e);
    return span;
  }

  start(e: Event, parent: Context): Span {
    const span = this.tracer.startSpan(eventSpanName(e), { kind: eventSpanKind(e), startTime: this.time(e, 'initTimestamp', e.initTimestamp) }, parent);
    // Unsampled (or disabled) spans cost nothing more: no attribute is built for them.
    if (span.isRecording()) {
      try {
        setStartAttributes(span, e, this.policy);
      } catch (err) {
        this.incomplete(span, err);
      }
    }
    return span;
  }

  end(span: Span, e: Event, endTime?: number): void {
    e._recorded = true;
    if (span.isRecording()) {
      try {
        setEndAttributes(span, e, this.policy);
        if (e.error !== undefined && e.error !== null) this.fail(span, e.error);
      } catch (err) {
        this.incomplete(span, err);
      }
    }
    let at: TimeInput;
    try {
      at = e.endTimestamp !== undefined ? this.time(e, 'endTimestamp', e.endTimestamp) : endTime ?? nowMs();
    } catch {
      at = nowMs();
    }
    span.end(at);
  }

  /**
   * Mapping an event that fights back (a revoked proxy for a prompt, say) leaves the span with
   * what was set so far, marked, and it still ends and is exported: never a span left open.
   */
  private incomplete(span: Span, err: unknown): void {
    span.setAttribute(AGENTOPS_RECORD_INCOMPLETE, true);
    this.policy.logger.once('record:incomplete', 'warn', `an event could not be mapped in full (${String(err)}); its span is exported with what could be read, marked agentops.record.incomplete (reported once)`);
  }

  /** Marks `span` failed with `err` (a thrown value or an ErrorEvent). */
  fail(span: Span, err: unknown, setStatus = true): void {
    const limit = this.policy.limit;
    if (err instanceof ErrorEvent) {
      const extra: Record<string, string | number> = { [AGENTOPS_EVENT_ID]: err.id };
      if (err.code !== undefined) extra[AGENTOPS_ERROR_CODE] = String(err.code);
      if (err.details !== undefined) {
        const d = safeJson(err.details, limit);
        if (d !== undefined) extra[AGENTOPS_ERROR_DETAILS] = d;
      }
      const triggerId = (err.trigger as { id?: unknown } | null | undefined)?.id;
      if (typeof triggerId === 'string') extra[AGENTOPS_ERROR_TRIGGER_EVENT_ID] = triggerId;
      else if (err.trigger !== undefined) invalid(this.policy, 'ErrorEvent.trigger', 'an event', err.trigger);
      const errorType = typeof err.errorType === 'string' && err.errorType ? err.errorType : undefined;
      if (err.errorType !== undefined && errorType === undefined) invalid(this.policy, 'ErrorEvent.errorType', 'a string', err.errorType);
      const thrown = err.exception ?? (errorType ? { name: errorType, message: errorType } : { name: 'Error', message: 'ErrorEvent' });
      const at = this.time(err, 'endTimestamp', err.endTimestamp ?? err.initTimestamp);
      if (setStatus) recordError(span, thrown, limit, errorType, extra, at, this.policy.transform);
      else addExceptionOnly(span, thrown, limit, extra, at, this.policy.transform);
      return;
    }
    if (setStatus) recordError(span, err, limit, undefined, undefined, undefined, this.policy.transform);
    else addExceptionOnly(span, err, limit, {}, nowMs(), this.policy.transform);
  }

  private time(e: Event, field: 'initTimestamp' | 'endTimestamp', value: unknown): number {
    const ms = toEpochMs(value);
    if (ms !== undefined) return ms;
    invalid(this.policy, `${e.constructor.name}.${field}`, 'a Date, epoch milliseconds or an ISO 8601 string', value);
    return nowMs();
  }
}

/** An `exception` event without touching status: used on the session span, whose status is its end state. */
function addExceptionOnly(span: Span, err: unknown, limit: number, extra: Record<string, string | number>, time: number, clean: TextCleaner): void {
  span.addEvent('exception', exceptionAttributes(describeError(err, limit, clean), extra), time);
}
