/**
 * The session list's REST API on a real database of 2,000 sessions of mixed services, models, tags
 * and end states, sent over OTLP/JSON: free-text search (a word of a name, a trace id, a session
 * id, a tag, a span name), every filter alone and together with exactly the sessions that match,
 * the totals of the filtered set, sort by every column both ways, a cursor that walks every row
 * once even while new sessions arrive, offset kept working, a readable name for unnamed sessions,
 * spans outside any session marked, costs rounded to 1e-9 USD, errors that do not count a
 * session's own Fail, and a 400 naming the parameter for each bad value.
 */
import type { LocalServer, SessionSummary } from '../src';
import { useServer } from './helpers/test-server';
import {
  HOSTILE,
  HOSTILE_NAME,
  MIX_START_MS,
  UNIQUE_SPAN,
  UNIQUE_WORD,
  UNNAMED,
  mixedSession,
  outsideTraceId,
  sendMixedSessions,
  traceIdOf,
  waitForSessions,
  type MixedSession,
} from './helpers/session-mix';

const N = 2000;

interface ListAnswer {
  sessions: SessionSummary[];
  total: number;
  totals: { sessions: number; inputTokens: number; outputTokens: number; costUsd: number; errors: number; llmCalls: number; toolCalls: number };
  limit: number;
  offset: number | null;
  sort: string;
  order: string;
  next: string | null;
}

const roundUsd = (x: number): number => Math.round(x * 1e9) / 1e9;

describe('GET /api/sessions: search, filters, sort, cursor, totals (2,000 sessions)', () => {
  const current = useServer();
  let server: LocalServer;
  let sent: MixedSession[];

  const get = async (query: string): Promise<{ status: number; body: ListAnswer & { error?: string } }> => {
    const res = await fetch(`${server.url}/api/sessions?${query}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    return { status: res.status, body: (await res.json()) as ListAnswer & { error?: string } };
  };
  const list = async (query: string): Promise<ListAnswer> => {
    const r = await get(query);
    expect(r.body.error).toBeUndefined();
    expect(r.status).toBe(200);
    return r.body;
  };
  /** Every session the query matches, page by page through the cursor. */
  const all = async (query: string): Promise<SessionSummary[]> => {
    const out: SessionSummary[] = [];
    let cursor: string | null = null;
    do {
      const page: ListAnswer = await list(`${query}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      out.push(...page.sessions);
      cursor = page.next;
    } while (cursor !== null);
    return out;
  };
  const ids = (rows: SessionSummary[]): string[] => rows.map((s) => s.traceId);

  beforeAll(async () => {
    server = current();
    const t0 = performance.now();
    sent = await sendMixedSessions(server, N);
    await waitForSessions(server, N + 1);
    console.log(`stored ${N} sessions (${N * 4} spans) + 1 outside-session trace over OTLP/JSON in ${Math.round(performance.now() - t0)} ms`);
  });

  it('finds a session by a word of its name, its trace id, its session id, a tag and a span name', async () => {
    const word = await list(`q=${UNIQUE_WORD.word}`);
    expect(ids(word.sessions)).toEqual([traceIdOf(UNIQUE_WORD.index)]);
    expect(word.total).toBe(1);
    // Words are matched case-insensitively, each anywhere, all of them.
    expect(ids((await list(`q=${encodeURIComponent(`RUN ${UNIQUE_WORD.word.toUpperCase()}`)}`)).sessions)).toEqual([traceIdOf(UNIQUE_WORD.index)]);
    expect((await list(`q=${encodeURIComponent(`${UNIQUE_WORD.word} refund`)}`)).total).toBe(0);

    expect(ids((await list(`q=${traceIdOf(321).toUpperCase()}`)).sessions)).toEqual([traceIdOf(321)]);
    const bySessionId = await all('q=mix-1999');
    expect(ids(bySessionId)).toEqual([traceIdOf(1999)]);

    const span = await list(`q=${encodeURIComponent('escalate_to_legal')}`);
    expect(ids(span.sessions)).toEqual([traceIdOf(UNIQUE_SPAN.index)]);
    const t0 = performance.now();
    const rounds = 20;
    for (let k = 0; k < rounds; k++) await list(`q=escalate_to_legal`);
    console.log(`search by span name over ${N} sessions: ${((performance.now() - t0) / rounds).toFixed(1)} ms per request (through HTTP)`);

    // A tag matches as a word; LIKE's own wildcards are matched as themselves.
    expect((await list('q=canary')).total).toBe(sent.filter((s) => s.tags.includes('canary')).length);
    expect((await list(`q=${encodeURIComponent('%')}`)).total).toBe(0);
    // `h_t` is in no name; as a LIKE pattern it would match every "search task ...".
    expect((await list('q=h_t')).total).toBe(0);
  });

  it('filters by end state, service, model, tag and date range, alone and together, with the totals of all that match', async () => {
    const from = MIX_START_MS + 300 * 60_000;
    const to = MIX_START_MS + 420 * 60_000;
    const cases: Array<[string, (s: MixedSession) => boolean]> = [
      ['end_state=Fail', (s) => s.state === 'Fail'],
      ['end_state=Fail&end_state=Indeterminate', (s) => s.state !== 'Success'],
      ['service=support-bot', (s) => s.service === 'support-bot'],
      ['model=gpt-4o', (s) => s.model === 'gpt-4o'],
      ['model=gpt-4o&model=gemini-2.5-flash', (s) => s.model === 'gpt-4o' || s.model === 'gemini-2.5-flash'],
      ['tag=eu', (s) => s.tags.includes('eu')],
      [`from=${new Date(from).toISOString()}&to=${to}&model=claude-sonnet-4-5`, (s) => s.startMs >= from && s.startMs < to && s.model === 'claude-sonnet-4-5'],
      [`from=${from}&service=billing-bot&end_state=Success&tag=prod`, (s) => s.startMs >= from && s.service === 'billing-bot' && s.state === 'Success' && s.tags.includes('prod')],
    ];
    for (const [query, match] of cases) {
      const want = sent.filter(match);
      expect(want.length).toBeGreaterThan(0);
      const got = await all(query);
      expect(ids(got).sort()).toEqual(want.map((s) => s.traceId).sort());
      const { totals, total } = await list(`${query}&limit=1`);
      expect(total).toBe(want.length);
      expect(totals).toEqual({
        sessions: want.length,
        inputTokens: want.reduce((n, s) => n + s.inputTokens, 0),
        outputTokens: want.reduce((n, s) => n + s.outputTokens, 0),
        costUsd: roundUsd(want.reduce((n, s) => n + s.costUsd, 0)),
        // One failed tool call per Fail session; the session's own Fail is not counted again.
        errors: want.filter((s) => s.state === 'Fail').length,
        llmCalls: want.length,
        toolCalls: want.length,
      });
    }
  });

  it('sorts by every column both ways, and the cursor walks every row once', async () => {
    const everything = await all('');
    expect(everything).toHaveLength(N + 1);
    expect(new Set(ids(everything)).size).toBe(N + 1);
    const keyOf: Record<string, (s: SessionSummary) => number | string> = {
      start: (s) => BigInt(s.startTimeUnixNano).toString().padStart(20, '0'),
      name: (s) => s.displayName,
      duration: (s) => s.totals.durationMs,
      end_state: (s) => s.endState ?? '',
      service: (s) => s.serviceName ?? '',
      turns: (s) => s.turns,
      spans: (s) => s.totals.spans,
      llm_calls: (s) => s.totals.llmCalls,
      tool_calls: (s) => s.totals.toolCalls,
      tokens: (s) => s.totals.inputTokens + s.totals.outputTokens,
      input_tokens: (s) => s.totals.inputTokens,
      output_tokens: (s) => s.totals.outputTokens,
      cost: (s) => s.totals.costUsd,
      errors: (s) => s.totals.errors,
    };
    for (const [sort, key] of Object.entries(keyOf)) {
      for (const order of ['asc', 'desc']) {
        const rows = await all(`sort=${sort}&order=${order}`);
        expect(rows).toHaveLength(N + 1);
        const cmp = (a: SessionSummary, b: SessionSummary): number => {
          const x = key(a);
          const y = key(b);
          const c = x < y ? -1 : x > y ? 1 : a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0;
          return order === 'asc' ? c : -c;
        };
        expect(ids(rows)).toEqual(ids([...everything].sort(cmp)));
      }
    }
    // Defaults: newest first; by name, A first.
    expect((await list('limit=1')).sessions[0]!.traceId).toBe(traceIdOf(N - 1));
    expect(await list('sort=name&limit=1')).toMatchObject({ sort: 'name', order: 'asc', sessions: [{ displayName: HOSTILE_NAME }] });
  });

  it('keeps its place by cursor while new sessions arrive, and offset still pages', async () => {
    const first = await list('sort=start&order=asc&limit=100');
    expect(first.offset).toBe(0);
    // A session that starts before all the others: it would shift every offset by one.
    const early = { ...mixedSession(N), traceId: 'ea'.repeat(16) };
    const res = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
      body: JSON.stringify({
        resourceSpans: [
          { resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'mix' }, spans: [{ traceId: early.traceId, spanId: 'ea00000000000001', name: 'early', kind: 1, startTimeUnixNano: '1000', endTimeUnixNano: '2000', attributes: [{ key: 'agentops.span.kind', value: { stringValue: 'session' } }] }] }] },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await waitForSessions(server, N + 2);
    const second = await list(`sort=start&order=asc&limit=100&cursor=${encodeURIComponent(first.next!)}`);
    expect(second.offset).toBeNull();
    const expected = sent.slice(99, 199).map((s) => s.traceId);
    // The outside-session trace started first; then sessions 0, 1, ...: page two starts at session 99.
    expect(ids(first.sessions)).toEqual([outsideTraceId, ...sent.slice(0, 99).map((s) => s.traceId)]);
    expect(ids(second.sessions)).toEqual(expected);
    // Offset pages as before (and sees the new session).
    const byOffset = await list('sort=start&order=asc&limit=5&offset=1');
    expect(ids(byOffset.sessions)).toEqual([outsideTraceId, ...sent.slice(0, 4).map((s) => s.traceId)]);
    expect(byOffset.offset).toBe(1);
  });

  it('names unnamed sessions, marks spans outside any session, rounds costs and counts errors as failed spans', async () => {
    const [unnamed] = (await list(`q=${traceIdOf(UNNAMED.index)}`)).sessions;
    expect(unnamed).toMatchObject({ name: 'session', displayName: UNNAMED.agent, inSession: true });

    const [outside] = (await list(`q=${outsideTraceId}`)).sessions;
    expect(outside).toMatchObject({ displayName: 'execute_tool refund_order', inSession: false, rootStatus: 'ERROR', endState: null, running: false, services: ['refunds-worker'], models: [] });
    expect(outside!.totals.errors).toBe(1);

    const failIndex = sent.find((s) => s.state === 'Fail')!.index;
    const failed = mixedSession(failIndex);
    const detailRes = await fetch(`${server.url}/api/sessions/${failed.traceId}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    const text = await detailRes.text();
    const detail = JSON.parse(text) as { session: SessionSummary; totals: SessionSummary['totals'] };
    expect(detail.session).toMatchObject({ endState: 'Fail', services: [failed.service], models: [failed.model], tags: failed.tags, inSession: true, rootStatus: 'ERROR' });
    // Two spans have status ERROR: the session span (its Fail, the end state) and the failed tool call (the one error).
    expect(detail.totals.errors).toBe(1);
    expect(detail.session.totals.errors).toBe(1);
    expect(detail.totals.costUsd).toBe(roundUsd(failed.costUsd));
    for (const m of text.matchAll(/"costUsd":([^,}]+)/g)) expect(Number(m[1])).toBe(roundUsd(Number(m[1])));
    const listText = await (await fetch(`${server.url}/api/sessions?limit=500`, { headers: { authorization: `Bearer ${server.apiKey}` } })).text();
    const costs = [...listText.matchAll(/"costUsd":([^,}]+)/g)].map((m) => m[1]!);
    expect(costs.length).toBeGreaterThan(500);
    // 7.349999999999999e-06 or 0.00013304999999999998 would not survive this: at most 9 decimals.
    for (const c of costs) expect(Number(c)).toBe(roundUsd(Number(c)));

    const hostile = (await list(`q=${traceIdOf(HOSTILE.index)}`)).sessions[0]!;
    expect(hostile.displayName).toBe(HOSTILE_NAME);

    const facets = (await (await fetch(`${server.url}/api/facets`, { headers: { authorization: `Bearer ${server.apiKey}` } })).json()) as Record<string, string[]>;
    expect(facets).toEqual({
      services: ['billing-bot', 'refunds-worker', 'search-bot', 'support-bot'],
      models: ['claude-sonnet-4-5', 'gemini-2.5-flash', 'gpt-4o', 'gpt-5-mini'],
      tags: ['<b>bold</b>', 'canary', 'eu', 'prod', 'staging'],
    });
  });

  it('answers 400 naming the parameter, what it takes and what it got', async () => {
    const other = (await list('sort=cost&limit=1')).next!;
    const bad: Array<[string, RegExp]> = [
      ['sort=price', /^sort must be one of start, name, .*; got "price"$/],
      ['order=up', /^order must be one of asc, desc; got "up"$/],
      ['end_state=Done', /^end_state must be one of Success, Fail, Indeterminate, running; got "Done"$/],
      ['cursor=not-a-cursor', /^cursor must be the `next` value of an earlier answer/],
      [`cursor=${encodeURIComponent(other)}`, /^cursor must be .* of the same sort and order \(it was made for sort=cost, order=desc\)/],
      [`cursor=${encodeURIComponent(other)}&sort=cost&offset=5`, /^give cursor or offset, not both$/],
      ['limit=0', /^limit must be an integer from 1 to 500; got "0"$/],
      ['from=yesterday', /^from must be epoch milliseconds or an ISO 8601 date/],
      [`q=${'x'.repeat(201)}`, /^q must be at most 200 characters; got 201$/],
      [`q=${Array.from({ length: 9 }, (_, i) => `w${i}`).join('+')}`, /^q must have at most 8 words; got 9$/],
    ];
    for (const [query, message] of bad) {
      const r = await get(query);
      expect({ query, status: r.status }).toEqual({ query, status: 400 });
      expect(r.body.error).toMatch(message);
    }
  });
});
