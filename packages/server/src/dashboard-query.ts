/**
 * The dashboard's figures over a time range cut into buckets, aggregated by SQLite from the stored
 * spans (one pass per chart over the spans of the sessions that overlap the range, SPANS_IN_RANGE) and the session rows:
 * - per model: LLM calls, input/output tokens, cost, and latency p50/p95 (nearest rank, so each
 *   is the duration of a real call);
 * - per tool: calls, failed calls (status ERROR) and their rate;
 * - per end state: sessions started.
 * A span belongs to the bucket its start falls in; a session to the bucket it started in. Buckets
 * are aligned to multiples of their length since the epoch (UTC), so an hour is a clock hour.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { SESSION_COLUMNS } from './schema';
import type { SessionRow } from './storage-rows';

export interface DashboardRange {
  fromNs: bigint;
  toNs: bigint;
  bucketNs: bigint;
}

export interface ModelSeries {
  /** `gen_ai.response.model` (else `gen_ai.request.model`); null for LLM calls that named none. */
  model: string | null;
  calls: number[];
  inputTokens: number[];
  outputTokens: number[];
  costUsd: number[];
  /** Milliseconds; null in a bucket without calls. */
  latencyP50Ms: Array<number | null>;
  latencyP95Ms: Array<number | null>;
  totals: { calls: number; inputTokens: number; outputTokens: number; costUsd: number };
}

export interface ToolSeries {
  /** `gen_ai.tool.name`, else the span's name. */
  tool: string;
  calls: number[];
  errors: number[];
  /** errors / calls; null in a bucket without calls. */
  errorRate: Array<number | null>;
  totals: { calls: number; errors: number; errorRate: number | null };
}

export interface EndStateSeries {
  /** `Success`, `Fail`, `Indeterminate`, `running` (no root or turn span yet) or `none` (ended without a state). */
  endState: string;
  sessions: number[];
  total: number;
}

export interface Dashboard {
  /** Start of each bucket, epoch milliseconds. */
  buckets: number[];
  models: ModelSeries[];
  tools: ToolSeries[];
  endStates: EndStateSeries[];
  totals: { llmCalls: number; inputTokens: number; outputTokens: number; costUsd: number; toolCalls: number; toolErrors: number; sessions: number };
}

/** What narrows the sessions behind a point; every one given must hold. */
export interface PointFilter {
  /** LLM calls of this model in the range; `null`: LLM calls that named no model. */
  model?: string | null;
  /** Calls of this tool in the range. */
  tool?: string;
  /** With `tool`: only failed calls of it. */
  errorsOnly?: boolean;
  /** Sessions started in the range with this end state. */
  endState?: string;
  limit: number;
  offset: number;
}

/** A session behind a point, with what it contributed to that point. */
export interface PointSessionRow extends SessionRow {
  p_calls: number;
  p_errors: number;
  p_input_tokens: number;
  p_output_tokens: number;
  p_cost_usd: number;
}

/** Money as the API returns it: rounded to a billionth of a dollar, so sums of doubles read as they should. */
export function roundUsd(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

const STATE_OF = "CASE WHEN has_root = 0 AND turns = 0 THEN 'running' ELSE coalesce(end_state, 'none') END";
const TOOL_OF = 'coalesce(tool_name, name)';

// The spans that start in a range, found through the sessions that overlap it (sessions_by_end in
// schema.ts: a session's end_ns is at or after every one of its spans' starts), each session's
// spans then read by the primary key. Its parameters: spansInRangeArgs.
const SPANS_IN_RANGE = `spans WHERE project_id = ?
  AND trace_id IN (SELECT trace_id FROM sessions WHERE project_id = ? AND end_ns >= ? AND start_ns < ?)
  AND start_ns >= ? AND start_ns < ?`;

function spansInRangeArgs(projectId: string, fromNs: bigint, toNs: bigint): SQLInputValue[] {
  return [projectId, projectId, fromNs, toNs, fromNs, toNs];
}

// The start of the bucket `fromNs` falls in (rounded down, also before 1970, where BigInt division rounds up).
function originOf(r: DashboardRange): bigint {
  const q = r.fromNs / r.bucketNs;
  return (r.fromNs < 0n && r.fromNs % r.bucketNs !== 0n ? q - 1n : q) * r.bucketNs;
}

export function bucketCount(r: DashboardRange): number {
  const origin = originOf(r);
  return Number((r.toNs - 1n - origin) / r.bucketNs) + 1;
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

function nulls(n: number): Array<number | null> {
  return new Array<number | null>(n).fill(null);
}

function byKey<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

export function dashboard(db: DatabaseSync, projectId: string, r: DashboardRange): Dashboard {
  const origin = originOf(r);
  const n = bucketCount(r);
  const buckets = Array.from({ length: n }, (_, i) => Number((origin + BigInt(i) * r.bucketNs) / 1_000_000n));
  // `bucket` is an integer division of integers: SQLite keeps it an integer.
  const range = [origin, r.bucketNs, ...spansInRangeArgs(projectId, r.fromNs, r.toNs)];
  const sessionRange = [origin, r.bucketNs, projectId, r.fromNs, r.toNs] as SQLInputValue[];

  const models = new Map<string | null, ModelSeries & { cost: number }>();
  const model = (m: string | null) =>
    byKey(models, m, () => ({ model: m, calls: zeros(n), inputTokens: zeros(n), outputTokens: zeros(n), costUsd: zeros(n), latencyP50Ms: nulls(n), latencyP95Ms: nulls(n), totals: { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }, cost: 0 }));
  const llm = db.prepare(
    `SELECT (start_ns - ?) / ? AS bucket, model, count(*) AS calls, total(input_tokens) AS input, total(output_tokens) AS output, total(cost_usd) AS cost
     FROM ${SPANS_IN_RANGE} AND category = 'llm' GROUP BY bucket, model`,
  );
  for (const row of llm.iterate(...range) as Iterable<{ bucket: number; model: string | null; calls: number; input: number; output: number; cost: number }>) {
    const s = model(row.model);
    s.calls[row.bucket] = row.calls;
    s.inputTokens[row.bucket] = row.input;
    s.outputTokens[row.bucket] = row.output;
    s.costUsd[row.bucket] = roundUsd(row.cost);
    s.totals.calls += row.calls;
    s.totals.inputTokens += row.input;
    s.totals.outputTokens += row.output;
    s.cost += row.cost;
  }
  // Nearest-rank percentiles: the call at rank ceil(p * n) of its bucket and model, by duration.
  const latency = db.prepare(
    `WITH d AS (
       SELECT (start_ns - ?) / ? AS bucket, model, CAST(end_ns - start_ns AS REAL) AS dur
       FROM ${SPANS_IN_RANGE} AND category = 'llm'
     ), r AS (
       SELECT bucket, model, dur, row_number() OVER (PARTITION BY bucket, model ORDER BY dur) AS rn, count(*) OVER (PARTITION BY bucket, model) AS n FROM d
     )
     SELECT bucket, model, dur, rn = (n * 50 + 99) / 100 AS is_p50, rn = (n * 95 + 99) / 100 AS is_p95
     FROM r WHERE rn = (n * 50 + 99) / 100 OR rn = (n * 95 + 99) / 100`,
  );
  for (const row of latency.iterate(...range) as Iterable<{ bucket: number; model: string | null; dur: number; is_p50: number; is_p95: number }>) {
    const s = model(row.model);
    if (row.is_p50) s.latencyP50Ms[row.bucket] = row.dur / 1e6;
    if (row.is_p95) s.latencyP95Ms[row.bucket] = row.dur / 1e6;
  }

  const tools = new Map<string, ToolSeries>();
  const toolCalls = db.prepare(
    `SELECT (start_ns - ?) / ? AS bucket, ${TOOL_OF} AS tool, count(*) AS calls, sum(status_code = 2) AS errors
     FROM ${SPANS_IN_RANGE} AND category = 'tool' GROUP BY bucket, tool`,
  );
  for (const row of toolCalls.iterate(...range) as Iterable<{ bucket: number; tool: string; calls: number; errors: number }>) {
    const s = byKey(tools, row.tool, () => ({ tool: row.tool, calls: zeros(n), errors: zeros(n), errorRate: nulls(n), totals: { calls: 0, errors: 0, errorRate: null } }));
    s.calls[row.bucket] = row.calls;
    s.errors[row.bucket] = row.errors;
    s.errorRate[row.bucket] = row.errors / row.calls;
    s.totals.calls += row.calls;
    s.totals.errors += row.errors;
  }

  const states = new Map<string, EndStateSeries>();
  const sessions = db.prepare(
    `SELECT (start_ns - ?) / ? AS bucket, ${STATE_OF} AS state, count(*) AS n
     FROM sessions WHERE project_id = ? AND start_ns >= ? AND start_ns < ? GROUP BY bucket, state`,
  );
  for (const row of sessions.iterate(...sessionRange) as Iterable<{ bucket: number; state: string; n: number }>) {
    const s = byKey(states, row.state, () => ({ endState: row.state, sessions: zeros(n), total: 0 }));
    s.sessions[row.bucket] = row.n;
    s.total += row.n;
  }

  const modelList = [...models.values()].map(({ cost, ...s }) => ({ ...s, totals: { ...s.totals, costUsd: roundUsd(cost) } }));
  // Most expensive model first (then most used), most used tool first: the legend reads as a ranking.
  modelList.sort((a, b) => b.totals.costUsd - a.totals.costUsd || b.totals.calls - a.totals.calls || String(a.model).localeCompare(String(b.model)));
  const toolList = [...tools.values()].map((s) => ({ ...s, totals: { ...s.totals, errorRate: s.totals.calls ? s.totals.errors / s.totals.calls : null } }));
  toolList.sort((a, b) => b.totals.calls - a.totals.calls || a.tool.localeCompare(b.tool));
  const stateList = [...states.values()].sort((a, b) => b.total - a.total || a.endState.localeCompare(b.endState));
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((acc, x) => acc + f(x), 0);
  return {
    buckets,
    models: modelList,
    tools: toolList,
    endStates: stateList,
    totals: {
      llmCalls: sum(modelList, (m) => m.totals.calls),
      inputTokens: sum(modelList, (m) => m.totals.inputTokens),
      outputTokens: sum(modelList, (m) => m.totals.outputTokens),
      costUsd: roundUsd(sum([...models.values()], (m) => m.cost)),
      toolCalls: sum(toolList, (t) => t.totals.calls),
      toolErrors: sum(toolList, (t) => t.totals.errors),
      sessions: sum(stateList, (s) => s.total),
    },
  };
}

/**
 * The sessions behind a point of a chart: those with LLM calls of the model, or calls of the tool,
 * in the range (with what they contributed), or those started in the range with the end state;
 * newest first.
 */
export function pointSessions(db: DatabaseSync, projectId: string, fromNs: bigint, toNs: bigint, f: PointFilter): { rows: PointSessionRow[]; total: number } {
  const where: string[] = [];
  const whereArgs: SQLInputValue[] = [];
  if (f.model !== undefined) {
    where.push("category = 'llm'", 'model IS ?');
    whereArgs.push(f.model);
  }
  if (f.tool !== undefined) {
    where.push("category = 'tool'", `${TOOL_OF} = ?`);
    whereArgs.push(f.tool);
    if (f.errorsOnly) where.push('status_code = 2');
  }
  const spanFiltered = f.model !== undefined || f.tool !== undefined;
  // Without a model or tool, what a session contributed is itself: its own totals, read from its row.
  const contrib = spanFiltered
    ? `SELECT trace_id AS c_trace_id, count(*) AS p_calls, sum(status_code = 2) AS p_errors, total(input_tokens) AS p_input_tokens, total(output_tokens) AS p_output_tokens, total(cost_usd) AS p_cost_usd
       FROM ${SPANS_IN_RANGE} AND ${where.join(' AND ')} GROUP BY trace_id`
    : `SELECT trace_id AS c_trace_id, llm_calls + tool_calls AS p_calls, errors AS p_errors, input_tokens AS p_input_tokens, output_tokens AS p_output_tokens, cost_usd AS p_cost_usd
       FROM sessions WHERE project_id = ? AND start_ns >= ? AND start_ns < ?`;
  const args: SQLInputValue[] = spanFiltered ? [...spansInRangeArgs(projectId, fromNs, toNs), ...whereArgs] : [projectId, fromNs, toNs];
  // The joined table keeps its own name and the point's columns names of their own, so the session
  // list's columns (SESSION_COLUMNS, some of them subqueries naming `sessions`) read as they are.
  const outer = ['sessions.project_id = ?'];
  const outerArgs: SQLInputValue[] = [projectId];
  if (f.endState !== undefined) {
    outer.push('sessions.start_ns >= ?', 'sessions.start_ns < ?', `${STATE_OF} = ?`);
    outerArgs.push(fromNs, toNs, f.endState);
  }
  // Every fragment is fixed text; values are always bound parameters.
  const from = `FROM (${contrib}) AS c JOIN sessions ON sessions.trace_id = c.c_trace_id WHERE ${outer.join(' AND ')}`;
  const rows = db
    .prepare(`SELECT ${SESSION_COLUMNS}, c.p_calls, c.p_errors, c.p_input_tokens, c.p_output_tokens, c.p_cost_usd ${from} ORDER BY sessions.start_ns DESC, sessions.trace_id LIMIT ? OFFSET ?`)
    .all(...args, ...outerArgs, f.limit, f.offset) as unknown as PointSessionRow[];
  const total = (db.prepare(`SELECT count(*) AS n ${from}`).get(...args, ...outerArgs) as { n: number }).n;
  return { rows, total };
}
