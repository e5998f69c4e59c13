/**
 * The attributes that put a span in its session for backends that group by attribute (Langfuse,
 * Phoenix, Grafana): `session.id` (the id as given), `gen_ai.conversation.id` (the same string) and,
 * when the session has one, `user.id`. Set on every span recorded inside a session, whoever
 * started it (GenAiSpanProcessor.onStart) and on the session and turn spans themselves.
 */
import type { Span } from '@opentelemetry/api';
import { GEN_AI_CONVERSATION_ID, SESSION_ID, USER_ID } from '../semconv';

export function setSessionAttributes(span: Span, sessionId: string, userId: string | undefined): void {
  span.setAttribute(SESSION_ID, sessionId);
  span.setAttribute(GEN_AI_CONVERSATION_ID, sessionId);
  if (userId !== undefined) span.setAttribute(USER_ID, userId);
}
