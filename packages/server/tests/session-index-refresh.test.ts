/**
 * The session index thread keeps each session it was asked about and, at the next question, reads
 * only what changed. Guards for that: spans of a session that arrive after many thousands of
 * other traces' spans are found (the thread walks the newest rows a window at a time), nothing is
 * read again when the session did not grow, and a session pruned and then sent again is read
 * afresh instead of being answered from what was kept.
 */
import type { LocalServer, SpanView } from '../src';
import { sampleSpans, protobufTraces } from '../../../testing/otlp-fixtures';
import { spanIdOf, writeSession } from './helpers/session-writer';
import { SessionIndex } from '../src/session-index';
import { useServer } from './helpers/test-server';

const VIEWED = '3c'.repeat(16);

interface Rows {
  rowCount: number;
  seq: number;
  rows: Array<{ depth: number; span: SpanView }>;
}

describe('the session index reads what changed', () => {
  const current = useServer();
  let server: LocalServer;
  beforeAll(() => {
    server = current();
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    const body = (await res.json()) as T;
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return body;
  };

  /** `n` spans of the sample session, moved into `traceId` under its span 1. */
  const sendInto = async (traceId: string, n: number, label: string): Promise<string[]> => {
    const sent = await sampleSpans(1, label);
    const moved = sent.slice(0, n).map((s) => Object.assign(Object.create(Object.getPrototypeOf(s) as object) as typeof s, s, { spanContext: () => ({ ...s.spanContext(), traceId }), parentSpanContext: { ...s.spanContext(), traceId, spanId: spanIdOf(1) } }));
    const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', body: protobufTraces(moved), headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(200);
    return moved.map((s) => s.spanContext().spanId);
  };

  it('finds new spans stored after 20,000 spans of other traces, and only once', async () => {
    writeSession(server, VIEWED, 1000, { kind: 'wide' });
    const first = await get<Rows>(`/api/sessions/${VIEWED}/rows?offset=0&limit=1`);
    expect(first.rowCount).toBe(1000);
    // Five traces of 4,000 spans each: many windows of rows, none of them the viewed session's.
    for (let t = 0; t < 5; t++) writeSession(server, `${t}d`.repeat(16), 4000, { kind: 'wide' });
    const unchanged = await get<Rows>(`/api/sessions/${VIEWED}/rows?offset=0&limit=1`);
    expect(unchanged.rowCount).toBe(1000);
    expect(unchanged.seq).toBeGreaterThan(first.seq);
    const ids = await sendInto(VIEWED, 3, 'late');
    const grown = await get<Rows>(`/api/sessions/${VIEWED}/rows?offset=0&limit=1000`);
    expect(grown.rowCount).toBe(1003);
    // The new spans are children of the root, after its 999 children that started earlier.
    const children = grown.rows.filter((r) => r.depth === 1).map((r) => r.span.spanId);
    expect(children).toHaveLength(999);
    const since = await get<{ spans: SpanView[] }>(`/api/sessions/${VIEWED}/spans?since=${unchanged.seq}`);
    expect(since.spans.map((s) => s.spanId).sort()).toEqual([...ids].sort());
    const again = await get<Rows>(`/api/sessions/${VIEWED}/rows?offset=1000&limit=10`);
    expect(again.rowCount).toBe(1003);
    expect(again.rows.map((r) => r.span.spanId).sort()).toEqual([...ids].sort());
  });

  it('reads a session afresh after it was pruned and sent again', async () => {
    const traceId = '4e'.repeat(16);
    writeSession(server, traceId, 500, { kind: 'wide' });
    expect((await get<Rows>(`/api/sessions/${traceId}/rows?offset=0&limit=1`)).rowCount).toBe(500);
    // Everything ended before this moment goes (the written sessions are from 2023).
    const pruned = server.storage.prune(Date.now());
    expect(pruned.sessions).toBeGreaterThanOrEqual(1);
    const res = await fetch(`${server.url}/api/sessions/${traceId}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(404);
    const ids = await sendInto(traceId, 2, 'again');
    const back = await get<Rows>(`/api/sessions/${traceId}/rows?offset=0&limit=10`);
    expect(back.rowCount).toBe(2);
    expect(back.rows.map((r) => r.span.spanId).sort()).toEqual([...ids].sort());
  });
});

describe('the session index thread and the checkpointer', () => {
  const current = useServer();

  it('starts no read while a RESTART checkpoint holds the gate up, and reads once it is lowered', async () => {
    // A RESTART checkpoint waits for every reader, and commits wait with it: a thread that read
    // a big session back to back would keep ingest waiting. The checkpointer raises a shared gate
    // while it runs one (checkpointer.ts); the index thread waits for it before each read.
    const server = current();
    writeSession(server, VIEWED, 500, { kind: 'wide' });
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const index = new SessionIndex(server.storage.path, () => undefined, gate);
    try {
      Atomics.store(gate, 0, 1);
      let answered = false;
      const pending = index.window(server.project.id, VIEWED, { order: 'tree', offset: 0, limit: 1, since: 0 }).then((w) => {
        answered = true;
        return w;
      });
      // Long enough for a read of 500 spans many times over; the answer must still be waiting.
      await new Promise((r) => setTimeout(r, 500));
      expect(answered).toBe(false);
      Atomics.store(gate, 0, 0);
      Atomics.notify(gate, 0);
      expect((await pending).rowCount).toBe(500);
    } finally {
      await index.close();
    }
  });

  it('reads anyway once a gate left up has been waited on for its bound (5 s)', async () => {
    const server = current();
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const index = new SessionIndex(server.storage.path, () => undefined, gate);
    try {
      Atomics.store(gate, 0, 1); // never lowered, as if the checkpointer thread had gone
      const w = await index.window(server.project.id, VIEWED, { order: 'tree', offset: 0, limit: 1, since: 0 });
      expect(w.rowCount).toBe(500);
    } finally {
      await index.close();
    }
  }, 20_000);
});
