/**
 * The REST API the viewer reads, scoped to the caller's project:
 *
 *   GET /api/project                    the caller's project
 *   GET /api/sessions                   ?q=&tag=&end_state=&service=&model=&from=&to=&sort=&order=&limit=&cursor=
 *                                       (or &offset=): a page of sessions and the totals of all that match
 *                                       (session-list-query.ts, session-search.ts)
 *   GET /api/facets                     the services, models and tags the list filters can take
 *   GET /api/sessions/:id               ?offset=&limit=: the session, its totals, its span count and
 *                                       a window of its span tree (all of it for up to 1,000 spans)
 *   GET /api/sessions/:id/rows          ?offset=&limit=: a window of the tree as rows with their depth;
 *                                       ?open=&toggle=&q=&category=&status=&reveal=: of a view of it
 *   GET /api/sessions/:id/marks         ?of=errors|matches: the ERROR spans or a filter's matches, with their rows
 *   GET /api/sessions/:id/spans         ?offset=&limit=: its spans, flat, by start time; or
 *                                       ?since=: the spans stored after a poll's `seq`, oldest first
 *   GET /api/metrics                    metric names with their point counts
 *   GET /api/metrics/:name              ?limit=: latest points of one metric
 *   GET /api/dashboard[/sessions]       charts over time and the sessions behind a point (dashboard-api.ts)
 *
 * `:id` is a trace id (32 hex digits), a session UUID, or any other `session.id` string.
 */
import type { Caller } from './auth';
import { dashboardApi } from './dashboard-api';
import type { IndexOrder, IndexWindow, SessionIndex } from './session-index';
import { roundUsd, sessionSummary, spanTree, spanView, totalsOf } from './session-view';
import type { Storage } from './storage';
import { BadQuery, encodeCursor, intParam, sessionListQuery } from './session-list-query';
import { sessionFacets, searchSessions } from './session-search';
import { BadViewQuery, marksParam, treeViewQuery } from './tree-view-query';

export interface ApiResult {
  status: number;
  body: unknown;
}

const HEX32 = /^[0-9a-fA-F]{32}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function bad(message: string): ApiResult {
  return { status: 400, body: { error: message } };
}

function notFound(what: string): ApiResult {
  return { status: 404, body: { error: `${what} not found` } };
}

function resolveTraceId(storage: Storage, projectId: string, id: string): string | undefined {
  if (HEX32.test(id)) return id.toLowerCase();
  if (UUID.test(id)) return id.replace(/-/g, '').toLowerCase();
  return storage.traceIdOfSessionId(projectId, id);
}

/** Most tree nodes one detail answer carries, rows one `/rows` answer, spans one `/spans` answer. */
export const MAX_TREE_WINDOW = 2000;
export const MAX_ROWS_WINDOW = 1000;
export const MAX_SPANS_WINDOW = 5000;
export const MAX_MARKS = 10000;

async function sessionApi(storage: Storage, index: SessionIndex, p: string, traceId: string, what: string | undefined, query: URLSearchParams): Promise<ApiResult | undefined> {
  const session = storage.getSession(p, traceId);
  if (session === undefined) return undefined;
  const ask = (order: IndexOrder, def: number, max: number, min = 1): Promise<IndexWindow> =>
    index.window(p, traceId, { order, offset: intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER), limit: intParam(query, 'limit', def, min, max), since: intParam(query, 'since', 0, 0, Number.MAX_SAFE_INTEGER) });
  const views = (w: IndexWindow) => storage.spansByIds(p, traceId, w.ids).map(spanView);
  const extent = (w: IndexWindow) => ({ seq: w.seq, rowCount: w.rowCount, offset: w.offset, startMs: w.startMs, endMs: w.endMs });
  if (what === undefined) {
    const w = await ask('tree', 1000, MAX_TREE_WINDOW, 0);
    return { status: 200, body: { session: sessionSummary(session), totals: totalsOf(w.totals, session), errorSpans: w.errorSpans, ...extent(w), limit: w.ids.length, tree: spanTree(views(w)) } };
  }
  if (what === 'rows') {
    const { view, reveal } = treeViewQuery(query);
    const limit = intParam(query, 'limit', 200, 1, MAX_ROWS_WINDOW);
    const w = await index.window(p, traceId, { order: 'tree', offset: intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER), limit, since: 0, view, reveal });
    const spans = views(w);
    const rows = spans.map((span, i) => ({
      depth: w.depths[i],
      turn: w.turns[i] || null,
      position: w.positions?.[i] ?? 0,
      children: w.children?.[i] ?? 0,
      open: w.open?.[i] ?? true,
      match: w.match?.[i] ?? false,
      errorsBelow: w.errorsBelow?.[i] ?? 0,
      span,
    }));
    const viewOf = { spanCount: w.spanCount, errorSpans: w.errorSpans, matchCount: w.matchCount ?? null, toggle: w.toggle ?? [], revealRow: w.revealRow ?? null };
    return { status: 200, body: { traceId, ...extent(w), ...viewOf, limit: rows.length, rows } };
  }
  if (what === 'marks') {
    const { view } = treeViewQuery(query);
    const marks = marksParam(query);
    const w = await index.window(p, traceId, { order: 'tree', offset: 0, limit: intParam(query, 'limit', 1000, 1, MAX_MARKS), since: 0, view, marks });
    return { status: 200, body: { traceId, seq: w.seq, rowCount: w.rowCount, spanCount: w.spanCount, errorSpans: w.errorSpans, total: w.total ?? 0, marks: w.marks ?? [] } };
  }
  if (what === 'spans') {
    if (query.has('since')) {
      if (query.has('offset')) throw new BadQuery('give since or offset, not both');
      const w = await ask('arrival', 1000, MAX_SPANS_WINDOW);
      const more = w.offset + w.ids.length < w.rowCount;
      // Where the next poll starts: after the last span sent, or after everything when all was sent.
      const next = more ? w.seqs[w.seqs.length - 1]! : Math.max(w.seq, Number(query.get('since')));
      return { status: 200, body: { traceId, seq: next, more, spans: views(w) } };
    }
    const w = await ask('start', 1000, MAX_SPANS_WINDOW);
    return { status: 200, body: { traceId, seq: w.seq, total: w.rowCount, offset: w.offset, limit: w.ids.length, spans: views(w) } };
  }
  return notFound(`/api/sessions/${traceId}/${what}`);
}

export async function handleApi(storage: Storage, index: SessionIndex, caller: Caller, pathname: string, query: URLSearchParams): Promise<ApiResult> {
  const p = caller.projectId;
  try {
    const parts = pathname.split('/').slice(2).map((x) => decodeURIComponent(x));
    if (parts[0] === 'project' && parts.length === 1) {
      const project = storage.projectById(p);
      return project ? { status: 200, body: project } : notFound('project');
    }
    if (parts[0] === 'sessions' && parts.length === 1) {
      const search = sessionListQuery(p, query);
      const { rows, totals, next } = searchSessions(storage.db, search);
      return {
        status: 200,
        body: {
          sessions: rows.map(sessionSummary),
          total: totals.sessions,
          totals: { ...totals, costUsd: roundUsd(totals.costUsd) },
          limit: search.limit,
          offset: search.cursor === undefined ? search.offset : null,
          sort: search.sort,
          order: search.order,
          next: next === undefined ? null : encodeCursor(search.sort, search.order, next),
        },
      };
    }
    if (parts[0] === 'facets' && parts.length === 1) return { status: 200, body: sessionFacets(storage.db, p) };
    if (parts[0] === 'sessions' && parts[1] !== undefined && parts.length <= 3) {
      const traceId = resolveTraceId(storage, p, parts[1]);
      const r = traceId === undefined ? undefined : await sessionApi(storage, index, p, traceId, parts[2], query);
      return r ?? notFound(`session ${parts[1]}`);
    }
    if (parts[0] === 'dashboard') return dashboardApi(storage, p, parts.slice(1), query) ?? notFound(pathname);
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
    if (err instanceof BadQuery || err instanceof BadViewQuery) return bad(err.message);
    if (err instanceof URIError) return bad(`malformed path ${JSON.stringify(pathname)}`);
    throw err;
  }
}
