/**
 * Where an instrumented call's span goes. Under the active span when that span records and belongs
 * to a session (a wrapper, `session.trace()`, an AI SDK span, or `session.run()` itself); else under
 * the current session (the active, only or newest open one), so an LLM call made outside
 * `session.run()` still lands in the session the agent is running; else under whatever is active.
 */
import { trace, type Context } from '@opentelemetry/api';
import { SESSION_KEY } from '../context';
import { Session } from '../session/session';
import type { InstrumentationHost } from './host';

export interface CallParent {
  ctx: Context;
  session: Session | undefined;
}

export function callParent(host: InstrumentationHost, active: Context = host.contextAccess.active()): CallParent {
  const inSession = active.getValue(SESSION_KEY);
  if (inSession instanceof Session && !inSession.ended) {
    const span = trace.getSpan(active);
    if (span !== undefined && span.isRecording() && span.spanContext().traceId === inSession.traceId) return { ctx: active, session: inSession };
  }
  const session = host.currentSession(true);
  if (session !== undefined) return { ctx: session.contextFrom(active), session };
  return { ctx: active, session: undefined };
}
