/**
 * Marks a span failed: status ERROR, `error.type`, and an `exception` span event. Reads the thrown
 * value defensively: it may be a string, a plain object, or a proxy whose getters throw.
 */
import type { Span } from '@opentelemetry/api';
import { truncate } from '../serialize/truncate';
import { markError } from './span-status';
import { ERROR_TYPE, EXCEPTION_MESSAGE, EXCEPTION_STACKTRACE, EXCEPTION_TYPE } from '../semconv';

export interface ErrorInfo {
  type: string;
  message: string;
  stack: string | undefined;
}

/** Text of an exception as recorded: message and stack go through the content transform (redaction, mask). */
export type TextCleaner = ((text: string, key: string) => string) | undefined;

export function describeError(err: unknown, limit: number, clean?: TextCleaner): ErrorInfo {
  const info = describeRaw(err, limit);
  if (!clean) return info;
  return { type: info.type, message: clean(info.message, EXCEPTION_MESSAGE), stack: info.stack === undefined ? undefined : clean(info.stack, EXCEPTION_STACKTRACE) };
}

function describeRaw(err: unknown, limit: number): ErrorInfo {
  const get = (k: string): unknown => {
    try {
      return (err as Record<string, unknown>)[k];
    } catch {
      return undefined;
    }
  };
  if (err === null || err === undefined) return { type: '_OTHER', message: String(err), stack: undefined };
  if (typeof err !== 'object' && typeof err !== 'function') {
    return { type: typeof err, message: truncate(safeString(err), limit), stack: undefined };
  }
  const name = get('name');
  let ctorName: unknown;
  try {
    ctorName = (err as { constructor?: { name?: unknown } }).constructor?.name;
  } catch {
    ctorName = undefined;
  }
  const type =
    typeof ctorName === 'string' && ctorName !== '' && ctorName !== 'Object' && ctorName !== 'Error'
      ? ctorName
      : typeof name === 'string' && name !== ''
        ? name
        : typeof ctorName === 'string' && ctorName !== ''
          ? ctorName
          : '_OTHER';
  const message = get('message');
  const stack = get('stack');
  return {
    type,
    message: truncate(typeof message === 'string' ? message : safeString(err), limit),
    stack: typeof stack === 'string' ? truncate(stack, limit) : undefined,
  };
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return '[unprintable]';
  }
}

/** The attributes of an `exception` span event for `err` (OpenTelemetry's exception conventions). */
export function exceptionAttributes(info: ErrorInfo, extra?: Record<string, string | number>): Record<string, string | number> {
  const attrs: Record<string, string | number> = { [EXCEPTION_TYPE]: info.type, [EXCEPTION_MESSAGE]: info.message };
  if (info.stack !== undefined) attrs[EXCEPTION_STACKTRACE] = info.stack;
  if (extra) Object.assign(attrs, extra);
  return attrs;
}

export function recordError(span: Span, err: unknown, limit: number, errorType?: string, extra?: Record<string, string | number>, time?: number, clean?: TextCleaner): ErrorInfo {
  const info = describeError(err, limit, clean);
  span.addEvent('exception', exceptionAttributes(info, extra), time);
  markError(span, info.message);
  span.setAttribute(ERROR_TYPE, errorType ?? info.type);
  return info;
}
