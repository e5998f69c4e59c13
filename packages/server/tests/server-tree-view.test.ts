/**
 * Acceptance (tree views over REST, on a session sent as the SDK sends it): a search finds a span
 * by a word of its name in any case and by text only its attributes hold, keeping the path to it;
 * a kind filter keeps that kind; collapse all, expand to errors and a toggled row fold the tree;
 * `reveal` opens the rows above a folded span; `/marks` lists the ERROR spans with their rows.
 * Bad values are a 400 naming the parameter, what it accepts and what was given.
 */
import { protobufTraces, sampleSpans } from '../../../testing/otlp-fixtures';
import { useServer } from './helpers/test-server';

interface Row {
  depth: number;
  children: number;
  open: boolean;
  match: boolean;
  errorsBelow: number;
  span: { spanId: string; name: string; category: string; status: { code: number }; attributes: Record<string, unknown> };
}
interface Rows {
  rowCount: number;
  spanCount: number;
  errorSpans: number;
  matchCount: number | null;
  toggle: string[];
  revealRow: number | null;
  rows: Row[];
}

describe('tree views of a session', () => {
  const current = useServer();
  let traceId = '';

  beforeAll(async () => {
    const spans = await sampleSpans(1, 'treeview');
    traceId = spans[0]!.spanContext().traceId;
    const server = current();
    const res = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      body: protobufTraces(spans),
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${server.apiKey}` },
    });
    expect(res.status).toBe(200);
  });

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const server = current();
    for (;;) {
      const res = await fetch(`${server.url}/api/sessions/${traceId}${path}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
      // Spans are written on the write thread: the session appears when they are stored.
      if (res.status !== 404) return { status: res.status, body: (await res.json()) as T };
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('shows every span, open, by default, and counts the ERROR spans', async () => {
    const { body } = await get<Rows>('/rows');
    expect(body.rowCount).toBe(body.spanCount);
    expect(body.rows.length).toBe(body.spanCount);
    expect(body.rows.every((r) => r.open)).toBe(true);
    const failed = body.rows.filter((r) => r.span.status.code === 2);
    expect(failed.length).toBeGreaterThan(0);
    expect(body.errorSpans).toBe(failed.length);
    expect(body.rows[0]!.errorsBelow).toBe(failed.length - (body.rows[0]!.span.status.code === 2 ? 1 : 0));
    expect(body.rows[0]!.children).toBe(body.rows.filter((r) => r.depth === 1).length);
  });

  it('folds: collapse all, expand to errors, a toggled row, and reveal', async () => {
    const all = (await get<Rows>('/rows')).body.rows;
    const none = (await get<Rows>('/rows?open=none')).body;
    expect(none.rows.map((r) => r.span.spanId)).toEqual(all.filter((r) => r.depth === 0).map((r) => r.span.spanId));
    const root = all[0]!.span.spanId;
    const opened = (await get<Rows>(`/rows?open=none&toggle=${root}`)).body;
    expect(opened.rows.map((r) => r.span.spanId)).toEqual(all.filter((r) => r.depth <= 1).map((r) => r.span.spanId));
    const errors = (await get<Rows>('/rows?open=errors')).body.rows;
    for (const r of errors) expect(r.open).toBe(r.errorsBelow > 0);
    expect(errors.filter((r) => r.span.status.code === 2).length).toBe(all.filter((r) => r.span.status.code === 2).length);
    const deep = all.find((r) => r.depth === 2)!;
    const revealed = (await get<Rows>(`/rows?open=none&reveal=${deep.span.spanId}&limit=1000`)).body;
    expect(revealed.revealRow).not.toBeNull();
    expect(revealed.rows[revealed.revealRow!]!.span.spanId).toBe(deep.span.spanId);
    expect(revealed.toggle.length).toBe(2);
  });

  it('finds a span by its name in any case, and by text only its attributes hold', async () => {
    const all = (await get<Rows>('/rows')).body.rows;
    const tool = all.find((r) => r.span.category === 'tool' && r.span.status.code !== 2)!;
    const byName = (await get<Rows>(`/rows?q=${encodeURIComponent(tool.span.name.toUpperCase())}`)).body;
    expect(byName.matchCount).toBe(all.filter((r) => r.span.name.toLowerCase().includes(tool.span.name.toLowerCase())).length);
    expect(byName.rows.filter((r) => r.match).map((r) => r.span.spanId)).toContain(tool.span.spanId);
    // The path to the match stays, unmatched.
    expect(byName.rows[0]!.span.spanId).toBe(all[0]!.span.spanId);
    expect(byName.rows[0]!.match).toBe(false);

    const llm = all.find((r) => r.span.category === 'llm')!;
    expect(JSON.stringify(llm.span.attributes)).toContain('hello treeview0');
    expect(llm.span.name).not.toContain('hello');
    const byText = (await get<Rows>(`/rows?q=${encodeURIComponent('hello treeview0')}`)).body;
    expect(byText.rows.filter((r) => r.match).map((r) => r.span.spanId)).toEqual([llm.span.spanId]);

    const tools = (await get<Rows>('/rows?category=tool')).body;
    expect(tools.rows.filter((r) => r.match).map((r) => r.span.category)).toEqual(all.filter((r) => r.span.category === 'tool').map(() => 'tool'));
    const nothing = (await get<Rows>('/rows?q=no-such-span-anywhere')).body;
    expect([nothing.rowCount, nothing.matchCount, nothing.rows.length]).toEqual([0, 0, 0]);
  });

  it('lists the ERROR spans and the matches with their rows', async () => {
    const all = (await get<Rows>('/rows')).body.rows;
    const { body } = await get<{ total: number; marks: Array<{ spanId: string; row: number | null }> }>('/marks?of=errors');
    const failed = all.map((r, row) => ({ spanId: r.span.spanId, row, code: r.span.status.code })).filter((r) => r.code === 2);
    expect(body.total).toBe(failed.length);
    expect(body.marks.map((m) => [m.spanId, m.row])).toEqual(failed.map((r) => [r.spanId, r.row]));
    const folded = (await get<{ marks: Array<{ row: number | null }> }>('/marks?of=errors&open=none')).body;
    expect(folded.marks.every((m) => m.row === null || m.row === 0)).toBe(true);
  });

  it.each([
    ['/rows?open=some', '/rows?open=some', 'open must be one of all, none, errors; got "some"'],
    ['/rows?toggle=xyz', '/rows?toggle=xyz', 'toggle must be span ids (16 lowercase hex digits) separated by commas; got "xyz"'],
    ['501 toggled rows', `/rows?toggle=${Array.from({ length: 501 }, (_, i) => i.toString(16).padStart(16, '0')).join(',')}`, 'toggle takes at most 500 span ids; got 501'],
    ['a long search', `/rows?q=${'a'.repeat(201)}`, 'q must be at most 200 characters; got 201'],
    ['/rows?category=llm,robot', '/rows?category=llm,robot', 'category must be one or more of session, turn, agent, handoff, guardrail, llm, tool, action, other separated by commas; got "robot"'],
    ['/rows?status=ok', '/rows?status=ok', 'status must be error (or absent); got "ok"'],
    ['/rows?reveal=123', '/rows?reveal=123', 'reveal must be a span id (16 lowercase hex digits); got "123"'],
    ['/marks', '/marks', 'of must be errors or matches; got null'],
    ['/marks?of=errors&limit=10001', '/marks?of=errors&limit=10001', 'limit must be an integer from 1 to 10000; got "10001"'],
  ])('%s is a 400 naming the parameter', async (_label, path, message) => {
    const { status, body } = await get<{ error: string }>(path);
    expect(status).toBe(400);
    expect(body.error).toBe(message);
  });
});
