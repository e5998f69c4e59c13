/**
 * Stored rows -> the JSON the REST API returns: session summaries, spans, the span tree and the
 * session's totals. Totals follow one rule everywhere: LLM calls are spans of category `llm`, tool
 * calls of category `tool` (see span-record.ts), errors are spans with status ERROR, tokens and
 * cost are sums of `gen_ai.usage.*_tokens` and `agentops.llm.cost_usd`.
 */
import { decodeSpan } from './otlp/otlp-decode';
import type { SessionRow, SpanRow } from './storage-rows';

export interface Totals {
  durationMs: number;
  spans: number;
  llmCalls: number;
  toolCalls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface SessionSummary {
  traceId: string;
  /** `session.id` of the root span, or of the first turn until the root arrives; null while neither has (or when it has none). */
  sessionId: string | null;
  /** The root span's name; until it arrives, the first turn's `session.id`. */
  name: string | null;
  /**
   * What the viewer calls it: `name`, unless the session gave none of its own (the SDK's default
   * `session`, or none yet); then its first agent span's name, else its first LLM call's, else
   * its session id or trace id.
   */
  displayName: string;
  /**
   * False for spans recorded outside any session: a trace whose root span is not an agentops
   * session span (a tool called with no session open, say). Such a trace has no end state; its
   * root's status is `rootStatus`.
   */
  inSession: boolean;
  /** The root span's status (`UNSET`, `OK`, `ERROR`), null until it arrives. */
  rootStatus: 'UNSET' | 'OK' | 'ERROR' | null;
  /** The `service.name` of its spans, and the models its LLM calls used, sorted. */
  services: string[];
  models: string[];
  tags: string[];
  /** The end state of the request that ended last: the root span's or a turn's. */
  endState: string | null;
  endReason: string | null;
  /** True while neither the root span nor a turn span has arrived: the session is still running (or its root was lost). */
  running: boolean;
  /** Requests of the conversation stored: the root span (its first request) counts one, each turn span (a resumed request) one more. */
  turns: number;
  /** Whether the root span (the session span: the conversation's first request) is stored. */
  rootArrived: boolean;
  serviceName: string | null;
  startTime: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  updatedAt: string;
  totals: Totals;
}

export interface SpanEventView {
  name: string;
  timeUnixNano: string;
  attributes: Record<string, unknown>;
}

export interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  /** `session`, `llm`, `tool`, `action`, `agent` or `other`: what the viewer colours by. */
  category: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Epoch milliseconds (fractional), for drawing. */
  startMs: number;
  durationMs: number;
  status: { code: number; message: string };
  attributes: Record<string, unknown>;
  events: SpanEventView[];
  links: unknown[];
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

export interface SpanNode extends SpanView {
  children: SpanNode[];
}

const KINDS: SpanView['kind'][] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

function nsToMs(ns: string): number {
  // Split so the epoch-milliseconds part keeps its sub-millisecond digits (a double cannot hold ns since 1970 exactly).
  const n = BigInt(ns);
  return Number(n / 1_000_000n) + Number(n % 1_000_000n) / 1e6;
}

function durationMs(startNs: string, endNs: string): number {
  const d = BigInt(endNs) - BigInt(startNs);
  return d <= 0n ? 0 : Number(d) / 1e6;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function spanView(r: SpanRow): SpanView {
  // The stored bytes were decoded once already at ingest: a failure here means a damaged row.
  let s: ReturnType<typeof decodeSpan> | undefined;
  try {
    s = decodeSpan(r.body);
  } catch {
    s = undefined;
  }
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    name: r.name,
    kind: KINDS[r.kind] ?? 'UNSPECIFIED',
    category: r.category,
    startTimeUnixNano: r.start_ns,
    endTimeUnixNano: r.end_ns,
    startMs: nsToMs(r.start_ns),
    durationMs: durationMs(r.start_ns, r.end_ns),
    status: { code: r.status_code, message: s?.status.message ?? '' },
    attributes: s?.attributes ?? { 'agentops.viewer.error': 'the stored span could not be decoded' },
    events: s?.events ?? [],
    links: s?.links ?? [],
    resource: parseJson<Record<string, unknown>>(r.resource, {}),
    scope: { name: r.scope_name, version: r.scope_version },
  };
}

/**
 * The session's extent: the root span's when it has arrived and the session has no turns; else
 * (a conversation over several requests, or a root still to come) first span start to last span end.
 */
function sessionExtent(s: SessionRow): { start: string; end: string } {
  if (s.has_root && s.turns === 0 && s.root_start_ns !== null && s.root_end_ns !== null) return { start: s.root_start_ns, end: s.root_end_ns };
  return { start: s.start_ns, end: s.end_ns };
}

const STATUS = ['UNSET', 'OK', 'ERROR'] as const;

/** Costs leave the API rounded to a billionth of a dollar: sums of floats are not exact, and 7.349999999999999e-06 means 7.35e-06. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

export function sessionSummary(s: SessionRow): SessionSummary {
  const { start, end } = sessionExtent(s);
  return {
    traceId: s.trace_id,
    sessionId: s.session_id,
    name: s.name,
    displayName: s.display_name,
    inSession: !(s.has_root === 1 && s.root_is_session_span === 0 && s.turns === 0),
    rootStatus: s.has_root === 1 ? (STATUS[s.root_status_code ?? 0] ?? 'UNSET') : null,
    services: parseJson<string[]>(s.services, []),
    models: parseJson<string[]>(s.models, []),
    tags: parseJson<string[]>(s.tags, []),
    endState: s.end_state,
    endReason: s.end_reason,
    running: s.has_root === 0 && s.turns === 0,
    turns: s.turns + (s.has_root ? 1 : 0),
    rootArrived: s.has_root === 1,
    serviceName: s.service_name,
    startTime: new Date(nsToMs(start)).toISOString(),
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    updatedAt: new Date(s.updated_ms).toISOString(),
    totals: {
      durationMs: durationMs(start, end),
      spans: s.span_count,
      llmCalls: s.llm_calls,
      toolCalls: s.tool_calls,
      errors: s.errors,
      inputTokens: s.input_tokens,
      outputTokens: s.output_tokens,
      costUsd: roundUsd(s.cost_usd),
    },
  };
}

/** Totals counted from the spans themselves (by the session index thread; the detail page does not trust running sums). */
export function totalsOf(counts: Omit<Totals, 'durationMs'>, session: SessionRow): Totals {
  const { start, end } = sessionExtent(session);
  return { durationMs: durationMs(start, end), ...counts, costUsd: roundUsd(counts.costUsd) };
}

/**
 * Spans nested under their parents, children by start time. A span whose parent has not arrived
 * (the session is still running, or the parent was lost) is shown at the top level.
 */
export function spanTree(spans: readonly SpanView[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const s of spans) nodes.set(s.spanId, { ...s, children: [] });
  const roots: SpanNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentSpanId === null ? undefined : nodes.get(n.parentSpanId);
    if (parent && parent !== n) parent.children.push(n);
    else roots.push(n);
  }
  // A malformed trace can make spans each other's parents; such a cycle is cut and shown at the top.
  // An explicit stack, pushed one child at a time: neither recursion nor spreading a list of
  // children into arguments has a limit a big session cannot reach.
  const seen = new Set<SpanNode>();
  const mark = (start: SpanNode): void => {
    const stack = [start];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const c of n.children) stack.push(c);
    }
  };
  for (const r of roots) mark(r);
  for (const n of nodes.values()) {
    if (seen.has(n)) continue;
    const parent = nodes.get(n.parentSpanId ?? '');
    if (parent) parent.children = parent.children.filter((c) => c !== n);
    roots.push(n);
    mark(n);
  }
  const byStart = (a: SpanNode, b: SpanNode): number => a.startMs - b.startMs;
  const stack: SpanNode[][] = [roots];
  while (stack.length > 0) {
    const list = stack.pop()!;
    list.sort(byStart);
    for (const c of list) if (c.children.length > 0) stack.push(c.children);
  }
  return roots;
}
