import { Event, readFields, type EventInit } from './event';

export interface ErrorEventInit extends Omit<EventInit, 'error'> {
  /** The event that failed. If it was not recorded yet, recording the ErrorEvent records it, failed. */
  trigger?: Event;
  /** The thrown value (also accepted as `error`). */
  exception?: unknown;
  error?: unknown;
  /** `error.type`; defaults to the exception's class name. */
  errorType?: string;
  code?: string | number;
  details?: unknown;
  logs?: unknown;
}

/**
 * A failure. Recorded as an `exception` span event on the span it concerns: its trigger event's
 * span, else the active span of the session; that span's status becomes ERROR.
 */
export class ErrorEvent extends Event {
  readonly eventType = 'error' as const;
  trigger: Event | undefined;
  exception: unknown;
  errorType: string | undefined;
  code: string | number | undefined;
  details: unknown;
  logs: unknown;

  constructor(init?: ErrorEventInit) {
    super(init as EventInit | undefined);
    const i = readFields<ErrorEventInit>(init, ['trigger', 'exception', 'error', 'errorType', 'code', 'details', 'logs']);
    this.trigger = i.trigger;
    this.exception = i.exception ?? i.error;
    this.errorType = i.errorType;
    this.code = i.code;
    this.details = i.details;
    this.logs = i.logs;
  }
}
