/**
 * A decoded OTLP span -> the row the backend stores: the span's own protobuf bytes as they
 * arrived (no re-serialising on the way in: decoding them again is the read path's job), plus the
 * few values that lists, filters and totals need (ids, times, status, event type, tokens, cost,
 * and for a root span or a turn span what it says about its session), pulled out once, at ingest.
 */
import { KeySet, type ScannedSpan } from './otlp/span-scan';
import {
  AGENTOPS_EVENT_TYPE,
  AGENTOPS_LLM_COST_USD,
  AGENTOPS_SESSION_END_REASON,
  AGENTOPS_SESSION_END_STATE,
  AGENTOPS_SPAN_KIND,
  AGENTOPS_TAGS,
  GEN_AI_OPERATION_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_TOOL_NAME,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  SESSION_ID,
} from 'agentops/semconv';

export type SpanCategory = 'session' | 'turn' | 'llm' | 'tool' | 'action' | 'agent' | 'handoff' | 'guardrail' | 'other';

/** What a parentless span, or a turn span (a resumed request of the session), tells about its session. */
export interface RootInfo {
  sessionId: string | null;
  name: string;
  /** JSON array of strings. */
  tags: string;
  endState: string | null;
  endReason: string | null;
  /** `agentops.span.kind=session`: preferred over any other parentless span of the trace. */
  isSessionSpan: boolean;
  serviceName: string | null;
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
  /** Where the span's protobuf bytes are in the batch's `body`. */
  bodyStart: number;
  bodyEnd: number;
  /** Index into the batch's `resources` (JSON texts): spans of one ResourceSpans share one. */
  resource: number;
  scopeName: string;
  scopeVersion: string;
  category: SpanCategory;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  /** The resource's `service.name`, for the session list's service filter. */
  serviceName: string | null;
  /** An LLM span's model (the one that answered, else the one asked for). */
  model: string | null;
  /** `gen_ai.tool.name`: what the dashboard groups tool calls by. */
  toolName: string | null;
  root: RootInfo | null;
  /** For a turn span (`agentops.span.kind=turn`, with a parent: the session span, arrived or not). */
  turn: RootInfo | null;
}

/** The attributes the ingest path reads; every other one is only in the stored bytes. */
export const SPAN_RECORD_KEYS = new KeySet([
  AGENTOPS_SPAN_KIND,
  AGENTOPS_EVENT_TYPE,
  GEN_AI_OPERATION_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_TOOL_NAME,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  AGENTOPS_LLM_COST_USD,
  SESSION_ID,
  AGENTOPS_TAGS,
  AGENTOPS_SESSION_END_STATE,
  AGENTOPS_SESSION_END_REASON,
]);

const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'embeddings', 'generate_content']);
const AGENT_OPERATIONS = new Set(['invoke_agent', 'create_agent']);
const EVENT_TYPES = new Set(['llm', 'tool', 'action']);
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const ZERO32 = '0'.repeat(32);
const ZERO16 = '0'.repeat(16);
// SQLite integers are signed 64-bit: a time past this cannot be stored exactly (it is year 2262).
const MAX_NS = (1n << 63n) - 1n;

/** Why a span cannot be stored, or undefined when it can. */
export function spanProblem(s: ScannedSpan): string | undefined {
  if (!HEX32.test(s.traceId) || s.traceId === ZERO32) return 'trace_id must be 16 bytes, not all zero';
  if (!HEX16.test(s.spanId) || s.spanId === ZERO16) return 'span_id must be 8 bytes, not all zero';
  if (s.parentSpanId !== undefined && !HEX16.test(s.parentSpanId)) return 'parent_span_id must be empty or 8 bytes';
  if (s.startNs > MAX_NS || s.endNs > MAX_NS) return 'timestamps must fit in a signed 64-bit integer of nanoseconds';
  return undefined;
}

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

export function categoryOf(attributes: Record<string, unknown>, parentSpanId: string | undefined): SpanCategory {
  const kind = attributes[AGENTOPS_SPAN_KIND];
  if (kind === 'session') return 'session';
  if (kind === 'turn') return 'turn';
  // Agent frameworks' handoffs and guardrails (DESIGN section 3) have their own colour in the viewer.
  if (kind === 'handoff' || kind === 'guardrail') return kind;
  const eventType = attributes[AGENTOPS_EVENT_TYPE];
  if (typeof eventType === 'string' && EVENT_TYPES.has(eventType)) return eventType as SpanCategory;
  const op = attributes[GEN_AI_OPERATION_NAME];
  if (typeof op === 'string') {
    if (LLM_OPERATIONS.has(op)) return 'llm';
    if (op === 'execute_tool') return 'tool';
    if (AGENT_OPERATIONS.has(op)) return 'agent';
  }
  return parentSpanId === undefined ? 'session' : 'other';
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The model of an LLM span and the name of a tool span, as the dashboard groups them. */
export function modelAndTool(a: Record<string, unknown>): { model: string | null; toolName: string | null } {
  return { model: text(a[GEN_AI_RESPONSE_MODEL]) ?? text(a[GEN_AI_REQUEST_MODEL]), toolName: text(a[GEN_AI_TOOL_NAME]) };
}

function sessionInfo(a: Record<string, unknown>, name: string, serviceName: unknown): RootInfo {
  const tags = a[AGENTOPS_TAGS];
  const sessionId = a[SESSION_ID];
  const endState = a[AGENTOPS_SESSION_END_STATE];
  const endReason = a[AGENTOPS_SESSION_END_REASON];
  return {
    sessionId: typeof sessionId === 'string' ? sessionId : null,
    name,
    tags: JSON.stringify(Array.isArray(tags) ? tags.filter((t) => typeof t === 'string') : typeof tags === 'string' ? [tags] : []),
    endState: typeof endState === 'string' ? endState : null,
    endReason: typeof endReason === 'string' ? endReason : null,
    isSessionSpan: a[AGENTOPS_SPAN_KIND] === 'session',
    serviceName: typeof serviceName === 'string' ? serviceName : null,
  };
}

/**
 * `resource` is the index of the span's resource, serialised once per ResourceSpans and stored
 * once per project (for speed: it is the same few hundred bytes on every span of an agent);
 * `serviceName` is that resource's `service.name`.
 */
export function toSpanRecord(
  s: ScannedSpan,
  where: { bodyStart: number; bodyEnd: number; resource: number; serviceName: unknown; scope: { name: string; version: string } },
): SpanRecord {
  const a = s.attributes;
  const category = categoryOf(a, s.parentSpanId);
  const info = s.parentSpanId === undefined || category === 'turn' ? sessionInfo(a, s.name, where.serviceName) : null;
  const mt = modelAndTool(a);
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? null,
    name: s.name,
    kind: s.kind,
    startNs: s.startNs,
    endNs: s.endNs,
    statusCode: s.status.code,
    bodyStart: where.bodyStart,
    bodyEnd: where.bodyEnd,
    resource: where.resource,
    scopeName: where.scope.name,
    scopeVersion: where.scope.version,
    category,
    inputTokens: count(a[GEN_AI_USAGE_INPUT_TOKENS]),
    outputTokens: count(a[GEN_AI_USAGE_OUTPUT_TOKENS]),
    costUsd: count(a[AGENTOPS_LLM_COST_USD]),
    serviceName: typeof where.serviceName === 'string' ? where.serviceName : null,
    model: category === 'llm' ? mt.model : null,
    toolName: mt.toolName,
    root: s.parentSpanId === undefined ? info : null,
    turn: s.parentSpanId !== undefined ? info : null,
  };
}
