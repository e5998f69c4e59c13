/**
 * The span-event logger: `agentops.logger` writes log lines as `log` events on the active span (and
 * forwards them to `init({ forwardLogs })`); `agentops.logContext()` gives the ids to put on your own.
 */
import { trace, type AttributeValue } from '@opentelemetry/api';
import type { Client } from './client';
import { SESSION_KEY } from './context';
import { current } from './current-client';
import { cleanText, cleanValue, toAttributeValue } from './events/span-mapping';
import type { LogLevel } from './log';
import { Session } from './session/session';

/** What `Client.log()` does: the line as a `log` event on the active span, then to `forwardLogs`. */
export function logToSpan(client: Client, level: Exclude<LogLevel, 'silent'>, message: string, attributes?: Record<string, unknown>): void {
  if (!client.enabled) return;
  try {
    const span = trace.getSpan(client.contextAccess.active());
    const policy = client.recorder.policy;
    // The line (and its attributes) as the span event holds it is what a forwarded logger gets too.
    const text = cleanText(typeof message === 'string' ? message : String(message), 'log.message', policy);
    const clean: Record<string, AttributeValue> = {};
    if (attributes && typeof attributes === 'object') {
      for (const [k, v] of Object.entries(attributes)) {
        const av = toAttributeValue(v, policy.limit);
        if (av !== undefined) clean[k] = cleanValue(av, k, policy);
      }
    }
    if (span?.isRecording()) span.addEvent('log', { 'log.severity': level.toUpperCase(), 'log.message': text, ...clean });
    const forward = client.config.forwardLogs;
    if (forward) (forward[level] as (m: string, a?: Record<string, unknown>) => void)(text, { ...clean, ...client.logContext() });
  } catch (err) {
    client.logger.once('log:failed', 'warn', `agentops.logger failed and skipped a line: ${String(err)}`);
  }
}

/** What `Client.logContext()` returns. */
export function logContextOf(client: Client): { trace_id?: string; span_id?: string; session_id?: string } {
  const ctx = client.contextAccess.active();
  const sc = trace.getSpanContext(ctx);
  if (sc === undefined || !trace.isSpanContextValid(sc)) return {};
  const active = ctx.getValue(SESSION_KEY);
  const session = active instanceof Session ? active : client.sessionByTraceId(sc.traceId);
  return session ? { trace_id: sc.traceId, span_id: sc.spanId, session_id: session.id } : { trace_id: sc.traceId, span_id: sc.spanId };
}

/**
 * Log lines as span events on the active span (with `log.severity` and `log.message`), so they show
 * up in the session; forwarded to `init({ forwardLogs })` too.
 *
 * @example agentops.logger.info('cache miss', { 'cache.key': key })
 */
export const logger = {
  debug(message: string, attributes?: Record<string, unknown>): void {
    current?.log('debug', message, attributes);
  },
  info(message: string, attributes?: Record<string, unknown>): void {
    current?.log('info', message, attributes);
  },
  warn(message: string, attributes?: Record<string, unknown>): void {
    current?.log('warn', message, attributes);
  },
  error(message: string, attributes?: Record<string, unknown>): void {
    current?.log('error', message, attributes);
  },
};

/**
 * `{ trace_id, span_id, session_id }` of the active span and session, to put on your own log lines
 * (e.g. as a pino mixin); `{}` outside a session.
 *
 * @example pino({ mixin: () => agentops.logContext() })
 */
export function logContext(): { trace_id?: string; span_id?: string; session_id?: string } {
  return current?.logContext() ?? {};
}
