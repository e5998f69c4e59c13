/**
 * How a session's first span is started: a new session's root span (its trace id and span id both
 * derived from the session id), or, for `startSession({ sessionId, resume: true })`, a turn span
 * whose parent is that derived session span, wherever and whenever the session span itself is
 * recorded. Either way the session's id, conversation id and user id are on the span.
 */
import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT, SamplingDecision, SpanKind, trace, TraceFlags, type Span, type Tracer } from '@opentelemetry/api';
import { RandomIdGenerator, type Sampler } from '@opentelemetry/sdk-trace';
import type { ContentPolicy } from '../events/span-mapping';
import { cleanValue, setCustomAttributes } from '../events/span-mapping';
import type { SdkLogger } from '../log';
import { AGENTOPS_SPAN_KIND, AGENTOPS_TAGS } from '../semconv';
import { setSessionAttributes } from './session-attributes';
import type { SessionOptions } from './session';
import { readFields } from '../events/event';
import { withPendingSessionIds } from './session-id-generator';
import { isUuid, sessionIdToTraceId, sessionSpanId } from './trace-id';

const randomIds = new RandomIdGenerator();

export interface SessionStart {
  readonly id: string;
  readonly name: string;
  readonly tags: string[];
  readonly userId: string | undefined;
  /** The session span, or the turn span of a resumed session. */
  readonly span: Span;
  readonly turn: boolean;
}

export interface StarterDeps {
  readonly tracer: Tracer | undefined;
  readonly logger: SdkLogger;
  readonly policy: ContentPolicy;
  readonly defaultTags: readonly string[];
  /** Decides, from the trace id alone, whether a session is sampled (the same decision in every process). */
  readonly sampler: Sampler | undefined;
}

/** Reads the options (never throws on bad input: each problem is reported once and a default used) and starts the span. */
export function startSessionSpan(deps: StarterDeps, options: SessionOptions): SessionStart {
  // Read field by field: a hostile or revoked Proxy as options must not throw into the agent.
  const o = readFields<SessionOptions>(options, ['sessionId', 'resume', 'name', 'tags', 'userId', 'attributes']);
  const { logger } = deps;
  let id = typeof o.sessionId === 'string' && o.sessionId !== '' ? o.sessionId : undefined;
  if (o.sessionId !== undefined && id === undefined) {
    logger.once('session:id', 'warn', 'startSession({ sessionId }) needs a non-empty string; a random UUID is used (reported once)');
  }
  let turn = o.resume === true;
  if (turn && id === undefined) {
    logger.once('session:resume-id', 'warn', 'startSession({ resume: true }) needs the sessionId of the session to resume; a new session is started (reported once)');
    turn = false;
  }
  id ??= randomUUID();
  const traceId = sessionIdToTraceId(id);
  if (!isUuid(id)) logger.debug(`session id ${JSON.stringify(id)} is not a UUID: trace id ${traceId} derived from its SHA-256`);
  const name = typeof o.name === 'string' && o.name !== '' ? o.name : turn ? 'turn' : 'session';
  let tags: string[] = [...deps.defaultTags];
  if (o.tags !== undefined) {
    const given = stringArray(o.tags);
    if (given !== undefined) tags = [...new Set([...tags, ...given])];
    else logger.once('session:tags', 'warn', 'startSession({ tags }) needs an array of strings; tags ignored (reported once)');
  }
  let userId: string | undefined;
  if (o.userId !== undefined) {
    if (typeof o.userId === 'string' && o.userId !== '') userId = o.userId;
    else logger.once('session:user-id', 'warn', 'startSession({ userId }) needs a non-empty string; ignored (reported once)');
  }

  const spanId = sessionSpanId(traceId);
  const tracer = deps.tracer;
  let span: Span;
  if (tracer === undefined) {
    span = trace.wrapSpanContext({ traceId, spanId: turn ? randomIds.generateSpanId() : spanId, traceFlags: TraceFlags.NONE });
  } else if (turn) {
    // The session span as another process recorded it (or will, or never does): a remote parent
    // whose sampled flag is the decision every process makes from the trace id.
    const sampled = deps.sampler === undefined || deps.sampler.shouldSample(ROOT_CONTEXT, traceId, name, SpanKind.INTERNAL, {}, []).decision === SamplingDecision.RECORD_AND_SAMPLED;
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });
    span = tracer.startSpan(name, { kind: SpanKind.INTERNAL }, parent);
  } else {
    // The session span is a root: never under whatever span happens to be active.
    span = withPendingSessionIds(traceId, spanId, () => tracer.startSpan(name, { root: true }, ROOT_CONTEXT));
    const actual = span.spanContext();
    if (actual.traceId !== traceId || actual.spanId !== spanId) {
      logger.once(
        'trace-id-mismatch',
        'warn',
        'the TracerProvider in use does not generate session ids (use SessionIdGenerator): session ids will not equal trace ids, and resumed turns will not find their session span',
      );
    }
  }
  if (span.isRecording()) {
    setSessionAttributes(span, id, userId);
    span.setAttribute(AGENTOPS_SPAN_KIND, turn ? 'turn' : 'session');
    if (tags.length > 0) span.setAttribute(AGENTOPS_TAGS, cleanValue(tags, AGENTOPS_TAGS, deps.policy));
    if (o.attributes !== undefined) setCustomAttributes(span, o.attributes, deps.policy, 'startSession.attributes');
  }
  return { id, name, tags, userId, span, turn };
}

/** A copy of `v` when it is an array of strings, else undefined; never throws (a revoked Proxy is not one). */
export function stringArray(v: unknown): string[] | undefined {
  try {
    if (!Array.isArray(v)) return undefined;
    const copy = [...(v as unknown[])];
    return copy.every((t) => typeof t === 'string') ? (copy as string[]) : undefined;
  } catch {
    return undefined;
  }
}
