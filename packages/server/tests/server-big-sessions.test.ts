/**
 * Acceptance (big sessions open): sessions of 130,000 spans, one root with every other span its
 * child and a chain 130,000 deep, written into the database of a real server, read over its REST
 * API: the detail answers 200 with the totals, the span count and a window of the tree (never the
 * whole session); `/rows` pages through the tree with each row's depth; `/spans` pages by start
 * time; `/spans?since=` gives only the spans stored after a poll (none when nothing arrived, the
 * new ones when some did); and a valid export while the session is read is stored.
 */
import type { LocalServer, SessionSummary, SpanView } from '../src';
import { sampleSpans, protobufTraces } from '../../../testing/otlp-fixtures';
import { spanIdOf, writeSession, START_NS } from './helpers/session-writer';
import { useServer } from './helpers/test-server';

const SPANS = 130_000;
const WIDE = '1a'.repeat(16);
const CHAIN = '2b'.repeat(16);

interface Detail {
  session: SessionSummary;
  totals: { spans: number };
  seq: number;
  rowCount: number;
  limit: number;
  tree: Array<SpanView & { children: SpanView[] }>;
}
interface Rows {
  rowCount: number;
  offset: number;
  rows: Array<{ depth: number; span: SpanView }>;
}

describe('sessions of 130,000 spans', () => {
  const current = useServer();
  let server: LocalServer;
  beforeAll(() => {
    server = current();
    writeSession(server, WIDE, SPANS, { kind: 'wide' });
    writeSession(server, CHAIN, SPANS, { kind: 'chain' });
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    const body = (await res.json()) as T;
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return body;
  };

  it.each([WIDE, CHAIN])('opens session %s: totals, span count and the first window of the tree', async (traceId) => {
    const d = await get<Detail>(`/api/sessions/${traceId}`);
    expect(d.session.traceId).toBe(traceId);
    expect(d.totals.spans).toBe(SPANS);
    expect(d.rowCount).toBe(SPANS);
    expect(d.limit).toBe(1000);
    expect(d.tree).toHaveLength(1);
    expect(d.tree[0]!.spanId).toBe(spanIdOf(1));
    const small = await get<Detail>(`/api/sessions/${traceId}?limit=0`);
    expect(small).toMatchObject({ rowCount: SPANS, limit: 0, tree: [], seq: d.seq });
  });

  it('pages through a wide tree by rows, children in start order', async () => {
    const r = await get<Rows>(`/api/sessions/${WIDE}/rows?offset=129990&limit=50`);
    expect(r.rowCount).toBe(SPANS);
    expect(r.rows.map((x) => [x.span.spanId, x.depth])).toEqual(Array.from({ length: 10 }, (_, k) => [spanIdOf(129_991 + k), 1]));
  });

  it('pages through a chain 130,000 deep with each row at its depth', async () => {
    const r = await get<Rows>(`/api/sessions/${CHAIN}/rows?offset=129995&limit=1000`);
    expect(r.rows.map((x) => [x.span.spanId, x.depth])).toEqual(Array.from({ length: 5 }, (_, k) => [spanIdOf(129_996 + k), 129_995 + k]));
    expect(r.rows[0]!.span.parentSpanId).toBe(spanIdOf(129_995));
  });

  it('pages spans by start time and refuses windows that are too big', async () => {
    const s = await get<{ total: number; offset: number; spans: SpanView[] }>(`/api/sessions/${WIDE}/spans?offset=65000&limit=3`);
    expect(s.total).toBe(SPANS);
    expect(s.spans.map((x) => [x.spanId, x.startTimeUnixNano])).toEqual([65_001, 65_002, 65_003].map((i) => [spanIdOf(i), String(START_NS + BigInt(i) * 1000n)]));
    const res = await fetch(`${server.url}/api/sessions/${WIDE}/spans?limit=100000`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^limit must be an integer from 1 to 5000/);
  });

  it('answers a poll with only what arrived since the last one, while exports are stored', async () => {
    const { seq } = await get<Detail>(`/api/sessions/${WIDE}?limit=0`);
    const none = await get<{ seq: number; more: boolean; spans: SpanView[] }>(`/api/sessions/${WIDE}/spans?since=${seq}`);
    expect(none).toMatchObject({ more: false, spans: [] });
    expect(none.seq).toBeGreaterThanOrEqual(seq);

    // Three spans of the same trace arrive over OTLP (and a session of another trace beside them).
    const sent = await sampleSpans(1, 'late');
    const late = sent.slice(0, 3).map((s) => Object.assign(Object.create(Object.getPrototypeOf(s) as object) as typeof s, s, { spanContext: () => ({ ...s.spanContext(), traceId: WIDE }), parentSpanContext: { ...s.spanContext(), traceId: WIDE, spanId: spanIdOf(1) } }));
    const readWhileSending = get<Detail>(`/api/sessions/${WIDE}`);
    for (const body of [protobufTraces(late), protobufTraces(sent)]) {
      const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${server.apiKey}` } });
      expect(res.status).toBe(200);
    }
    await readWhileSending;
    const got = await get<{ seq: number; more: boolean; spans: SpanView[] }>(`/api/sessions/${WIDE}/spans?since=${none.seq}`);
    expect(got.more).toBe(false);
    expect(got.spans.map((s) => s.spanId).sort()).toEqual(late.map((s) => s.spanContext().spanId).sort());
    expect((await get<Detail>(`/api/sessions/${WIDE}?limit=0`)).rowCount).toBe(SPANS + 3);
    const again = await get<{ spans: SpanView[] }>(`/api/sessions/${WIDE}/spans?since=${got.seq}`);
    expect(again.spans).toEqual([]);
    // Pages of what arrived: two at a time, each poll going on from where the last stopped.
    const p1 = await get<{ seq: number; more: boolean; spans: SpanView[] }>(`/api/sessions/${WIDE}/spans?since=${none.seq}&limit=2`);
    const p2 = await get<{ seq: number; more: boolean; spans: SpanView[] }>(`/api/sessions/${WIDE}/spans?since=${p1.seq}&limit=2`);
    expect([p1.more, p2.more]).toEqual([true, false]);
    expect([...p1.spans, ...p2.spans].map((s) => s.spanId)).toEqual(got.spans.map((s) => s.spanId));
    const other = sent[0]!.spanContext().traceId;
    expect((await get<Detail>(`/api/sessions/${other}`)).totals.spans).toBe(sent.length);
  });
});
