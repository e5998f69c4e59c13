/** What the database holds and hands out: projects, keys, sessions, spans, metric points, and what a write batch carries. */
import type { DecodedMetric } from './otlp/otlp-decode';
import type { SpanRecord } from './span-record';

export interface Project {
  id: string;
  name: string;
  createdAt: string;
}

export interface ProjectWithKeys extends Project {
  keys: string[];
}

export interface PruneCounts {
  sessions: number;
  spans: number;
  metricPoints: number;
}

// Sessions per prune transaction (metric points: ten times as many).

export interface KeyOwner {
  keyId: number;
  projectId: string;
}

/**
 * One row of the session list: what the root span (or, until it arrives, the first turn) said, the
 * end state of the request that ended last, and running totals of every span stored.
 */
export interface SessionRow {
  /** Computed by the read (schema.ts, DISPLAY_NAME): the name the viewer shows. */
  display_name: string;
  root_is_session_span: number;
  /** JSON arrays of the session's services and models (from session_terms). */
  services: string;
  models: string;
  trace_id: string;
  has_root: number;
  root_span_id: string | null;
  session_id: string | null;
  name: string | null;
  tags: string;
  end_state: string | null;
  end_reason: string | null;
  service_name: string | null;
  root_start_ns: string | null;
  root_end_ns: string | null;
  root_status_code: number | null;
  start_ns: string;
  end_ns: string;
  span_count: number;
  llm_calls: number;
  tool_calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  updated_ms: number;
  /** Turn spans stored (resumed requests); the root span is not among them. */
  turns: number;
}

export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: number;
  start_ns: string;
  end_ns: string;
  status_code: number;
  /** The span's OTLP protobuf bytes (a `Span` message) as they arrived. */
  body: Uint8Array;
  /** Resource attributes, JSON. */
  resource: string;
  scope_name: string;
  scope_version: string;
  category: string;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
}

export interface MetricPointRow {
  name: string;
  description: string;
  unit: string;
  type: string;
  temporality: number;
  is_monotonic: number;
  start_ns: string;
  time_ns: string;
  attributes: string;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucket_counts: string | null;
  explicit_bounds: string | null;
  resource: string;
  scope_name: string;
}

/** Spans and metric points of one project, as the write queue hands them over. */
export interface WriteBatch {
  projectId: string;
  spans: readonly SpanRecord[];
  /** Resource attributes (JSON) the spans refer to by index. */
  resources: readonly string[];
  /** OTLP/protobuf bytes the spans' `bodyStart` / `bodyEnd` point into. */
  body: Uint8Array;
  metrics: readonly DecodedMetric[];
}
