/**
 * The REST API the viewer reads, scoped to the caller's project:
 *
 *   GET /api/project                    the caller's project
 *   GET /api/sessions                   ?tag=&end_state=&from=&to=&limit=&offset=
 *   GET /api/sessions/:id               the session, its totals and its span tree
 *   GET /api/sessions/:id/spans         its spans, flat, by start time
 *   GET /api/metrics                    metric names with their point counts
 *   GET /api/metrics/:name              ?limit=: latest points of one metric
 *
 * `:id` is a trace id (32 hex digits), a session UUID, or any other `session.id` string.
 */
import type { Caller } from './auth';
import { sessionSummary, spanTree, spanView, totalsOf } from './session-view';
import type { Storage } from './storage';
import type { SessionFilter } from './storage-rows';

export interface ApiResult {
  status: number;
  body: unknown;
}

const END_STATES = new Set(['Success', 'Fail', 'Indeterminate', 'running']);
const HEX32 = /^[0-9a-fA-F]{32}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

class BadQuery extends Error {}

function bad(message: string): ApiResult {
  return { status: 400, body: { error: message } };
}

function notFound(what: string): ApiResult {
  return { status: 404, body: { error: `${what} not found` } };
}

function intParam(q: URLSearchParams, name: string, def: number, min: number, max: number): number {
  const v = q.get(name);
  if (v === null || v === '') return def;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new BadQuery(`${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(v)}`);
  return Number(v);
}

// Times are stored as signed 64-bit nanoseconds: 1677-09-21T00:12:43.146Z to 2262-04-11T23:47:16.854Z.
const MAX_MS = 9_223_372_036_854;

/** `from` / `to`: epoch milliseconds or an ISO 8601 date, within the nanosecond range times are stored in. */
function timeParam(q: URLSearchParams, name: string): bigint | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const ms = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_MS) {
    throw new BadQuery(`${name} must be epoch milliseconds or an ISO 8601 date, from ${new Date(-MAX_MS).toISOString()} to ${new Date(MAX_MS).toISOString()}; got ${JSON.stringify(v)}`);
  }
  return BigInt(Math.trunc(ms)) * 1_000_000n;
}

function resolveTraceId(storage: Storage, projectId: string, id: string): string | undefined {
  if (HEX32.test(id)) return id.toLowerCase();
  if (UUID.test(id)) return id.replace(/-/g, '').toLowerCase();
  return storage.traceIdOfSessionId(projectId, id);
}

export function handleApi(storage: Storage, caller: Caller, pathname: string, query: URLSearchParams): ApiResult {
  const p = caller.projectId;
  try {
    const parts = pathname.split('/').slice(2).map((x) => decodeURIComponent(x));
    if (parts[0] === 'project' && parts.length === 1) {
      const project = storage.projectById(p);
      return project ? { status: 200, body: project } : notFound('project');
    }
    if (parts[0] === 'sessions' && parts.length === 1) {
      const endState = query.get('end_state') ?? undefined;
      if (endState !== undefined && !END_STATES.has(endState)) return bad(`end_state must be one of ${[...END_STATES].join(', ')}; got ${JSON.stringify(endState)}`);
      const filter: SessionFilter = {
        tag: query.get('tag') ?? undefined,
        endState,
        fromNs: timeParam(query, 'from'),
        toNs: timeParam(query, 'to'),
        limit: intParam(query, 'limit', 50, 1, 500),
        offset: intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
      };
      const { rows, total } = storage.listSessions(p, filter);
      return { status: 200, body: { sessions: rows.map(sessionSummary), total, limit: filter.limit, offset: filter.offset } };
    }
    if (parts[0] === 'sessions' && parts[1] !== undefined && parts.length <= 3) {
      const traceId = resolveTraceId(storage, p, parts[1]);
      const session = traceId === undefined ? undefined : storage.getSession(p, traceId);
      if (traceId === undefined || session === undefined) return notFound(`session ${parts[1]}`);
      const rows = storage.spansOf(p, traceId);
      const spans = rows.map(spanView);
      if (parts.length === 3) return parts[2] === 'spans' ? { status: 200, body: { traceId, spans } } : notFound(pathname);
      return { status: 200, body: { session: sessionSummary(session), totals: totalsOf(rows, session), tree: spanTree(spans) } };
    }
    if (parts[0] === 'metrics' && parts.length === 1) return { status: 200, body: { metrics: storage.metricNames(p) } };
    if (parts[0] === 'metrics' && parts.length === 2) {
      const rows = storage.metricPoints(p, parts[1]!, intParam(query, 'limit', 100, 1, 1000));
      const points = rows.map((r) => ({
        name: r.name,
        type: r.type,
        unit: r.unit,
        startTimeUnixNano: r.start_ns,
        timeUnixNano: r.time_ns,
        attributes: JSON.parse(r.attributes) as unknown,
        value: r.value,
        count: r.count,
        sum: r.sum,
        min: r.min,
        max: r.max,
        bucketCounts: r.bucket_counts === null ? null : (JSON.parse(r.bucket_counts) as unknown),
        explicitBounds: r.explicit_bounds === null ? null : (JSON.parse(r.explicit_bounds) as unknown),
      }));
      return { status: 200, body: { points } };
    }
    return notFound(pathname);
  } catch (err) {
    if (err instanceof BadQuery) return bad(err.message);
    if (err instanceof URIError) return bad(`malformed path ${JSON.stringify(pathname)}`);
    throw err;
  }
}
