/**
 * The dashboard's REST endpoints, scoped to the caller's project:
 *
 *   GET /api/dashboard            ?from=&to=&bucket=  figures per bucket (see dashboard-query.ts)
 *   GET /api/dashboard/sessions   ?from=&to=&model=&tool=&errors=&end_state=&limit=&offset=
 *                                 the sessions behind one point of a chart
 *
 * `from` / `to` as for /api/sessions (default: the last 24 hours up to now); `bucket` is a length
 * such as `30s`, `5m`, `1h`, `1d`, `1w`, or `auto` (the default): the shortest of a fixed ladder
 * that cuts the range into at most AUTO_BUCKETS.
 */
import type { ApiResult } from './rest-api';
import { BadQuery, intParam, timeParam } from './session-list-query';
import { bucketCount, dashboard, pointSessions, roundUsd, type PointFilter } from './dashboard-query';
import { sessionSummary } from './session-view';
import type { Storage } from './storage';

/** Most buckets one answer holds: more would be more points than a chart has pixels. */
export const MAX_BUCKETS = 1000;
const AUTO_BUCKETS = 120;
const UNIT_NS: Record<string, bigint> = { s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n, d: 86_400_000_000_000n, w: 604_800_000_000_000n };
const LADDER = ['1m', '5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d', '7d', '30d', '90d', '365d'];
const END_STATES = ['Success', 'Fail', 'Indeterminate', 'running', 'none'];
const DAY_NS = UNIT_NS.d!;

function lengthNs(spec: string): bigint | undefined {
  const m = /^([1-9][0-9]{0,5})([smhdw])$/.exec(spec);
  return m ? BigInt(m[1]!) * UNIT_NS[m[2]!]! : undefined;
}

function rangeOf(query: URLSearchParams): { fromNs: bigint; toNs: bigint } {
  const toNs = timeParam(query, 'to') ?? BigInt(Date.now()) * 1_000_000n;
  const fromNs = timeParam(query, 'from') ?? toNs - DAY_NS;
  if (fromNs >= toNs) throw new BadQuery(`from must be before to; got from=${JSON.stringify(query.get('from'))} and to=${JSON.stringify(query.get('to'))}`);
  return { fromNs, toNs };
}

function bucketOf(query: URLSearchParams, fromNs: bigint, toNs: bigint): { spec: string; ns: bigint } {
  const given = query.get('bucket') ?? '';
  if (given === '' || given === 'auto') {
    const spec = LADDER.find((s) => bucketCount({ fromNs, toNs, bucketNs: lengthNs(s)! }) <= AUTO_BUCKETS) ?? LADDER[LADDER.length - 1]!;
    const ns = lengthNs(spec)!;
    if (bucketCount({ fromNs, toNs, bucketNs: ns }) > MAX_BUCKETS) throw new BadQuery(`from and to are too far apart for ${MAX_BUCKETS} buckets of ${spec}`);
    return { spec, ns };
  }
  const ns = lengthNs(given);
  if (ns === undefined) throw new BadQuery(`bucket must be auto or a length such as 30s, 5m, 1h, 1d, 1w (1 to 999999 of s, m, h, d or w); got ${JSON.stringify(given)}`);
  const n = bucketCount({ fromNs, toNs, bucketNs: ns });
  if (n > MAX_BUCKETS) throw new BadQuery(`bucket ${given} cuts this range into ${n} buckets, more than the ${MAX_BUCKETS} allowed: give a longer bucket, a shorter range, or bucket=auto`);
  return { spec: given, ns };
}

const iso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

export function dashboardApi(storage: Storage, projectId: string, rest: string[], query: URLSearchParams): ApiResult | undefined {
  if (rest.length === 0) {
    const { fromNs, toNs } = rangeOf(query);
    const bucket = bucketOf(query, fromNs, toNs);
    const figures = dashboard(storage.db, projectId, { fromNs, toNs, bucketNs: bucket.ns });
    return { status: 200, body: { from: iso(fromNs), to: iso(toNs), bucket: bucket.spec, bucketMs: Number(bucket.ns / 1_000_000n), ...figures } };
  }
  if (rest.length === 1 && rest[0] === 'sessions') {
    const { fromNs, toNs } = rangeOf(query);
    const filter: PointFilter = { limit: intParam(query, 'limit', 50, 1, 500), offset: intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) };
    // `model=` (empty) asks for the LLM calls that named no model: the dashboard's "(no model)" series.
    if (query.has('model')) filter.model = query.get('model') || null;
    const tool = query.get('tool');
    if (tool !== null) {
      if (tool === '') throw new BadQuery('tool must be a tool name; got ""');
      filter.tool = tool;
    }
    const errors = query.get('errors');
    if (errors !== null) {
      if (errors !== 'true' && errors !== 'false') throw new BadQuery(`errors must be true or false; got ${JSON.stringify(errors)}`);
      if (tool === null) throw new BadQuery('errors needs tool: it narrows the calls of one tool to the failed ones');
      filter.errorsOnly = errors === 'true';
    }
    const endState = query.get('end_state');
    if (endState !== null) {
      if (!END_STATES.includes(endState)) throw new BadQuery(`end_state must be one of ${END_STATES.join(', ')}; got ${JSON.stringify(endState)}`);
      filter.endState = endState;
    }
    const { rows, total } = pointSessions(storage.db, projectId, fromNs, toNs, filter);
    const sessions = rows.map((r) => {
      const s = sessionSummary(r);
      return {
        ...s,
        totals: { ...s.totals, costUsd: roundUsd(s.totals.costUsd) },
        point: { calls: r.p_calls, errors: r.p_errors, inputTokens: r.p_input_tokens, outputTokens: r.p_output_tokens, costUsd: roundUsd(r.p_cost_usd) },
      };
    });
    return { status: 200, body: { from: iso(fromNs), to: iso(toNs), sessions, total, limit: filter.limit, offset: filter.offset } };
  }
  return undefined;
}
