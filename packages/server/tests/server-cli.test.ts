/**
 * Acceptance (local backend, end to end through the `agentops` command): the SDK, configured only
 * through AGENTOPS_API_KEY and the endpoint variables `agentops serve` prints, sends sessions that
 * the REST API returns with the same trace id, span count, parents and totals as sent; stopped and
 * restarted on the same database, the server still has every session; `keys` and `projects create`
 * manage keys, and a revoked key and its tokens stop working in a running server at once; `prune`
 * deletes old sessions and metric points, and nothing else, while the server runs; a
 * non-loopback --host needs --allow-remote and prints a warning.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { DatabaseSync } from 'node:sqlite';
import * as agentops from 'agentops';
import type { SessionSummary, SpanNode, Totals } from '../src';
import { run, serve, type ServeProcess } from './helpers/cli-process';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { jsonMetrics, jsonTraces, sampleMetrics, sampleSpans } from '../../../testing/otlp-fixtures';
import { tempDb } from './helpers/temp-db';
import { recordSampleSession } from '../../../testing/workload';

interface SessionDetail {
  session: SessionSummary;
  totals: Totals;
  tree: SpanNode[];
}

async function getJson<T>(url: string, credential: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${credential}` } });
  return { status: res.status, body: (await res.json()) as T };
}

/** An OTLP/JSON request with every timestamp moved `ms` into the past. */
function aged(body: Buffer, ms: number): Buffer {
  const shift = BigInt(ms) * 1_000_000n;
  return Buffer.from(
    JSON.stringify(JSON.parse(body.toString()), (k, v: unknown) =>
      /^(start|end)?[tT]imeUnixNano$/.test(k) && v !== undefined && v !== '0' && v !== 0 ? String(BigInt(v as string) - shift) : v,
    ),
  );
}

function flatten(tree: SpanNode[]): SpanNode[] {
  return tree.flatMap((n) => [n, ...flatten(n.children)]);
}

/** What the spans that were sent add up to, by the rules the API documents. */
function expectedTotals(spans: readonly ReadableSpan[]): Omit<Totals, 'durationMs'> {
  const a = (s: ReadableSpan, k: string): number => (typeof s.attributes[k] === 'number' ? (s.attributes[k] as number) : 0);
  return {
    spans: spans.length,
    llmCalls: spans.filter((s) => s.attributes['agentops.event.type'] === 'llm').length,
    toolCalls: spans.filter((s) => s.attributes['agentops.event.type'] === 'tool').length,
    // The session's own span carries its end state (shown on its own), not one more error.
    errors: spans.filter((s) => s.status.code === 2 && s.attributes['agentops.span.kind'] !== 'session' && s.attributes['agentops.span.kind'] !== 'turn').length,
    inputTokens: spans.reduce((n, s) => n + a(s, 'gen_ai.usage.input_tokens'), 0),
    outputTokens: spans.reduce((n, s) => n + a(s, 'gen_ai.usage.output_tokens'), 0),
    costUsd: spans.reduce((n, s) => n + a(s, 'agentops.llm.cost_usd'), 0),
  };
}

describe('agentops serve, with the SDK configured from what it prints', () => {
  const db = tempDb();
  let server: ServeProcess | undefined;
  let restoreEnv: () => void = () => undefined;

  afterEach(async () => {
    await agentops.shutdown(1000);
    restoreEnv();
    await server?.stop();
    server = undefined;
  });

  afterAll(() => db.remove());

  it('stores the sessions the SDK sends, with the same ids, parents and totals, and keeps them across a restart', async () => {
    server = await serve(['--port', '0', '--db', db.file]);
    expect(Object.keys(server.env).sort()).toEqual(['AGENTOPS_API_ENDPOINT', 'AGENTOPS_API_KEY', 'AGENTOPS_APP_URL', 'AGENTOPS_EXPORTER_ENDPOINT']);
    const key = server.env.AGENTOPS_API_KEY!;
    const base = server.env.AGENTOPS_APP_URL!;
    expect(server.stdout()).toContain(`viewer:   ${base}/sessions#key=`);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, ...server.env });
    const sent = new InMemorySpanExporter();
    // The extra in-memory exporter only records what was sent, to compare with what was stored.
    agentops.init({ autoStartSession: false, logLevel: 'silent', exporters: [sent] });
    const sessions = [agentops.startSession({ name: 'first', tags: ['cli-test', 'a'] }), agentops.startSession({ name: 'second', tags: ['cli-test'] })];
    const sampleSpans = await recordSampleSession(sessions[0]!, 'one');
    sessions[1]!.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: 'hi', completion: 'hello', promptTokens: 7, completionTokens: 2, cost: 0.25 }));
    sessions[1]!.end('Fail', 'gave up');
    expect(await agentops.flush(5000)).toBe(true);
    expect(agentops.getClient()!.stats().destinations.vendor!.spansSent).toBe(sent.getFinishedSpans().length);

    // Shutting the SDK down clears the in-memory exporter: keep what was sent.
    const sentSpans = [...sent.getFinishedSpans()];
    const check = async (base: string): Promise<void> => {
      for (const session of sessions) {
        const mine = sentSpans.filter((s) => s.spanContext().traceId === session.traceId);
        // Every span the session recorded was sent: the sample session's five, the second's two.
        expect(mine).toHaveLength(session === sessions[0] ? sampleSpans : 2);
        const { status, body } = await getJson<SessionDetail>(`${base}/api/sessions/${session.id}`, key);
        expect(status).toBe(200);
        expect(body.session.traceId).toBe(session.traceId);
        expect(body.session.sessionId).toBe(session.id);
        expect(body.session.name).toBe(session.name);
        expect(body.session.running).toBe(false);
        const stored = flatten(body.tree);
        expect(stored).toHaveLength(mine.length);
        // Exactly one root, the session span; every other span under the parent it was sent with.
        expect(body.tree).toHaveLength(1);
        const parents = new Map(mine.map((s) => [s.spanContext().spanId, s.parentSpanContext?.spanId ?? null]));
        for (const s of stored) expect(s.parentSpanId).toBe(parents.get(s.spanId));
        const { durationMs, ...totals } = body.totals;
        const expected = expectedTotals(mine);
        expect(expected.spans).toBeGreaterThan(0);
        expect(totals).toEqual({ ...expected, costUsd: expect.closeTo(expected.costUsd, 9) });
        const root = mine.find((s) => s.parentSpanContext === undefined)!;
        expect(durationMs).toBeCloseTo(root.duration[0] * 1000 + root.duration[1] / 1e6, 3);
        // The list's running sums agree with the detail page's recount.
        expect(body.session.totals).toEqual(body.totals);
      }
      const list = await getJson<{ sessions: SessionSummary[]; total: number }>(`${base}/api/sessions?tag=cli-test`, key);
      expect(list.body.sessions.map((s) => s.name).sort()).toEqual(['first', 'second']);
      const failed = await getJson<{ sessions: SessionSummary[] }>(`${base}/api/sessions?end_state=Fail`, key);
      expect(failed.body.sessions.map((s) => s.traceId)).toEqual([sessions[1]!.traceId]);
      expect(failed.body.sessions[0]!.endReason).toBe('gave up');
      const byTag = await getJson<{ sessions: SessionSummary[] }>(`${base}/api/sessions?tag=a`, key);
      expect(byTag.body.sessions.map((s) => s.traceId)).toEqual([sessions[0]!.traceId]);
    };
    await check(base);
    await agentops.shutdown(1000);

    // Stop (Ctrl-C) and restart on the same database: same project and key, every session still there.
    expect(await server.stop()).toBe(0);
    server = await serve(['--port', '0', '--db', db.file]);
    expect(server.env.AGENTOPS_API_KEY).toBe(key);
    await check(server.env.AGENTOPS_APP_URL!);
  });

  it('lists keys, creates projects, and explains its flags', async () => {
    const keys = await run(['keys', '--db', db.file]);
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(/^project default \([0-9a-f-]{36}\)\n {2}aol_\S+\n$/);

    const created = await run(['projects', 'create', 'team-b', '--db', db.file]);
    expect(created.code).toBe(0);
    const keyB = /aol_\S+/.exec(created.stdout)![0];
    const again = await run(['projects', 'create', 'team-b', '--db', db.file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('AGENTOPS_SERVER_PROJECT');

    const extra = await run(['keys', '--create', 'team-b', '--db', db.file]);
    expect(extra.code).toBe(0);
    const listed = await run(['keys', '--db', db.file]);
    expect(listed.stdout).toContain(`project team-b`);
    expect(listed.stdout).toContain(keyB);
    expect(listed.stdout).toContain(extra.stdout.trim());

    const help = await run(['serve', '--help']);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const flag of ['--port <port>', '--host <host>', '--db <file>', '--allow-remote', '--max-body-mb <mb>', '--token-ttl <seconds>']) expect(text).toContain(flag);
    expect(text).toContain('(default: 4319)');
    expect(text).toContain('(default: "127.0.0.1")');
    expect(text).toContain('anything but loopback');
  });

  it('revokes a key: the exchange refuses it and its tokens stop working, in the running server', async () => {
    const created = await run(['projects', 'create', 'revoke-me', '--db', db.file]);
    expect(created.code).toBe(0);
    const key = /aol_\S+/.exec(created.stdout)![0];
    server = await serve(['--port', '0', '--db', db.file]);
    const base = server.env.AGENTOPS_APP_URL!;
    const exchange = (): Promise<Response> =>
      fetch(`${base}/v3/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: key }) });
    const res = await exchange();
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    expect((await getJson(`${base}/api/sessions`, token)).status).toBe(200);
    expect((await getJson(`${base}/api/sessions`, key)).status).toBe(200);

    const revoked = await run(['keys', '--revoke', key, '--db', db.file]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked a key of project revoke-me \([0-9a-f-]{36}\); 0 keys left\nadd one with: agentops keys --create revoke-me --db \S+\n$/);
    expect(revoked.stdout).not.toContain(key);

    // The server was not restarted: the key, and the token it was exchanged for, are refused now.
    expect((await exchange()).status).toBe(401);
    expect((await getJson(`${base}/api/sessions`, token)).status).toBe(401);
    expect((await getJson(`${base}/api/sessions`, key)).status).toBe(401);
    const post = await fetch(`${base}/v1/traces`, { method: 'POST', body: new Uint8Array(0), headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` } });
    expect(post.status).toBe(401);
    // The other projects' keys still work.
    expect((await getJson(`${base}/api/sessions`, server.env.AGENTOPS_API_KEY!)).status).toBe(200);
    expect((await run(['keys', '--db', db.file])).stdout).not.toContain(key);

    // A new key of the project may get the revoked key's row id from SQLite: the old token stays dead.
    const replacement = await run(['keys', '--create', 'revoke-me', '--db', db.file]);
    expect(replacement.code).toBe(0);
    const newKey = replacement.stdout.trim();
    expect((await getJson(`${base}/api/sessions`, newKey)).status).toBe(200);
    expect((await getJson(`${base}/api/sessions`, token)).status).toBe(401);
    expect((await exchange()).status).toBe(401);

    const again = await run(['keys', '--revoke', key, '--db', db.file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no such API key');
    expect(again.stderr).not.toContain(key);
    const both = await run(['keys', '--revoke', key, '--create', 'revoke-me', '--db', db.file]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('cannot be used together');
  });

  it('prunes what is older than asked by both clocks, with a server running, and keeps the rest', async () => {
    const pdb = tempDb();
    try {
      const record = async (tag: string): Promise<ReadableSpan[]> => {
        const restore = setEnv(SDK_ENV_CLEAR);
        return sampleSpans(1, tag).finally(restore);
      };
      const oldSpans = await record('old');
      const skewed = await record('skewed');
      const newSpans = await record('new');
      server = await serve(['--port', '0', '--db', pdb.file]);
      const base = server.env.AGENTOPS_APP_URL!;
      const key = server.env.AGENTOPS_API_KEY!;
      const send = async (path: string, body: Buffer): Promise<void> => {
        const res = await fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
        expect(res.status).toBe(200);
      };
      const twoDays = 2 * 86_400_000;
      await send('/v1/traces', aged(jsonTraces(oldSpans), twoDays));
      // A client whose clock is two days behind: its spans look old, but the server got them just now.
      await send('/v1/traces', aged(jsonTraces(skewed), twoDays));
      await send('/v1/traces', jsonTraces(newSpans));
      await send('/v1/metrics', aged(jsonMetrics(await sampleMetrics()), twoDays));
      await send('/v1/metrics', jsonMetrics(await sampleMetrics()));
      const [oldId, skewedId, newId] = [oldSpans, skewed, newSpans].map((x) => x[0]!.spanContext().traceId);
      // The old session reached the server two days ago, as far as the server's own record goes.
      const db = new DatabaseSync(pdb.file);
      try {
        db.exec('PRAGMA busy_timeout = 5000');
        expect(db.prepare('UPDATE sessions SET updated_ms = updated_ms - ? WHERE trace_id = ?').run(twoDays, oldId!).changes).toBe(1);
      } finally {
        db.close();
      }
      const points = async (): Promise<number> =>
        (await getJson<{ points: unknown[] }>(`${base}/api/metrics/agentops.tool.calls`, key)).body.points.length;
      const sessions = async (): Promise<string[]> =>
        (await getJson<{ sessions: SessionSummary[] }>(`${base}/api/sessions`, key)).body.sessions.map((x) => x.traceId).sort();
      expect(await sessions()).toEqual([oldId, skewedId, newId].sort());
      expect(await points()).toBe(2);
      const before = await getJson<SessionDetail>(`${base}/api/sessions/${newId}`, key);
      const beforeSkewed = await getJson<SessionDetail>(`${base}/api/sessions/${skewedId}`, key);

      const dry = await run(['prune', '--older-than', '1d', '--dry-run', '--db', pdb.file]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(new RegExp(`^would delete 1 session \\(${oldSpans.length} spans\\) that ended before \\S+Z, and 2 metric points\\n$`));
      expect(await sessions()).toEqual([oldId, skewedId, newId].sort());

      const pruned = await run(['prune', '--older-than', '1d', '--db', pdb.file]);
      expect(pruned.code).toBe(0);
      expect(pruned.stdout).toMatch(new RegExp(`^deleted 1 session \\(${oldSpans.length} spans\\) that ended before \\S+Z, and 2 metric points\\n$`));

      // The running server sees the old session and point gone, the others as they were.
      expect(await sessions()).toEqual([skewedId, newId].sort());
      expect((await getJson(`${base}/api/sessions/${oldId}`, key)).status).toBe(404);
      expect(await getJson<SessionDetail>(`${base}/api/sessions/${newId}`, key)).toEqual(before);
      expect(await getJson<SessionDetail>(`${base}/api/sessions/${skewedId}`, key)).toEqual(beforeSkewed);
      expect(await points()).toBe(1);
      // It still stores what arrives, with its resource.
      await send('/v1/traces', aged(jsonTraces(oldSpans), 60_000));
      expect(await sessions()).toEqual([oldId, skewedId, newId].sort());
      expect((await getJson<SessionDetail>(`${base}/api/sessions/${oldId}`, key)).body.tree[0]!.resource).toEqual(before.body.tree[0]!.resource);

      const nothing = await run(['prune', '--older-than', '1d', '--project', 'default', '--db', pdb.file]);
      expect(nothing.stdout).toMatch(/^deleted 0 sessions \(0 spans\) .* and 0 metric points of project default\n$/);
      for (const [age, message] of [
        ['3 weeks', 'expected a positive number and a unit'],
        ['6m', 'expected a positive number and a unit: s, min, h, d or w'],
        ['200000w', 'at most 100 years'],
      ]) {
        const bad = await run(['prune', '--older-than', age!, '--db', pdb.file]);
        expect(bad.code).toBe(1);
        expect(bad.stderr).toContain(message);
      }
      const unknown = await run(['prune', '--older-than', '1d', '--project', 'nope', '--db', pdb.file]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no project named "nope"');

      await server.stop();
      server = undefined;
      const vacuumed = await run(['prune', '--older-than', '1d', '--vacuum', '--db', pdb.file]);
      expect(vacuumed.code).toBe(0);
      expect(vacuumed.stdout).toMatch(/^deleted 0 sessions .*\nvacuumed the database file\n$/);
    } finally {
      await server?.stop();
      server = undefined;
      pdb.remove();
    }
  });

  it('refuses a non-loopback --host without --allow-remote, and warns with it', async () => {
    const refused = await run(['serve', '--host', '0.0.0.0', '--port', '0', '--db', db.file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--allow-remote');
    expect(refused.stderr).toContain('AGENTOPS_SERVER_REMOTE_HOST');
    expect(refused.stdout).toBe('');

    server = await serve(['--host', '0.0.0.0', '--port', '0', '--db', db.file, '--allow-remote']);
    expect(server.stderr()).toContain('WARNING: listening on 0.0.0.0');
    expect(server.stdout()).toContain('OTEL_EXPORTER_OTLP_INSECURE=true');
  });
});
