/**
 * Acceptance (local backend security): a token of project A can neither read nor write project
 * B's sessions; an API key used directly is scoped the same way; a non-loopback host is refused
 * unless allowed explicitly; the database file is readable by its owner only.
 */
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AgentOpsConfigError } from 'agentops';
import { AgentOpsServerError, isLoopbackHost, startServer, type LocalServer, type SessionSummary, type SpanView } from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { protobufTraces, sampleSpans } from '../../../testing/otlp-fixtures';
import { tempDb } from './helpers/temp-db';

async function exchange(server: LocalServer, apiKey: string): Promise<string> {
  const res = await fetch(`${server.url}/v3/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: apiKey }) });
  return ((await res.json()) as { token: string }).token;
}

async function getJson<T>(url: string, credential: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${credential}` } });
  return { status: res.status, body: (await res.json()) as T };
}

describe('project isolation', () => {
  const db = tempDb();
  let server: LocalServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    server = await startServer({ port: 0, dbPath: db.file });
  });

  afterAll(async () => {
    await server.close();
    restoreEnv();
    db.remove();
  });

  it("keeps each project's sessions to itself, for reads and writes", async () => {
    const b = server.createProject('project-b');
    const tokenA = await exchange(server, server.apiKey);
    const tokenB = await exchange(server, b.apiKey);
    const spans = await sampleSpans(1, 'owned-by-b');
    const traceId = spans[0]!.spanContext().traceId;
    const send = (token: string, body: Buffer): Promise<Response> =>
      fetch(`${server.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` } });

    expect((await send(tokenB, protobufTraces(spans))).status).toBe(200);
    const asB = await getJson<{ session: SessionSummary }>(`${server.url}/api/sessions/${traceId}`, tokenB);
    expect(asB.status).toBe(200);
    expect(asB.body.session.totals.spans).toBe(spans.length);

    // A cannot read B's session by trace id, session id, spans or list; nor with its raw API key.
    for (const cred of [tokenA, server.apiKey]) {
      expect((await getJson(`${server.url}/api/sessions/${traceId}`, cred)).status).toBe(404);
      expect((await getJson(`${server.url}/api/sessions/${spans[0]!.spanContext().traceId}/spans`, cred)).status).toBe(404);
      const list = await getJson<{ sessions: SessionSummary[] }>(`${server.url}/api/sessions?tag=owned-by-b`, cred);
      expect(list.body.sessions).toEqual([]);
    }

    // A writes spans carrying B's trace id (one with a new span id): they land in A's project, B's session is unchanged.
    const intruder = await sampleSpans(1, 'intruder');
    const rewritten = intruder.map((s) => {
      const ctx = { ...s.spanContext(), traceId };
      return Object.assign(Object.create(Object.getPrototypeOf(s) as object) as object, s, { spanContext: () => ctx, parentSpanContext: s.parentSpanContext && { ...s.parentSpanContext, traceId } });
    }) as typeof intruder;
    expect((await send(tokenA, protobufTraces(rewritten))).status).toBe(200);

    const afterB = await getJson<{ session: SessionSummary; tree: SpanView[] }>(`${server.url}/api/sessions/${traceId}`, tokenB);
    expect(afterB.body.session.totals.spans).toBe(spans.length);
    expect(afterB.body.session.name).toBe('owned-by-b-0');
    const spansB = await getJson<{ spans: SpanView[] }>(`${server.url}/api/sessions/${traceId}/spans`, tokenB);
    expect(spansB.body.spans.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
    const asA = await getJson<{ session: SessionSummary }>(`${server.url}/api/sessions/${traceId}`, tokenA);
    expect(asA.status).toBe(200);
    expect(asA.body.session.name).toBe('intruder-0');
    expect(server.countSpans(b.project.id)).toBe(spans.length);
  });

  it('makes the database readable by its owner only', () => {
    expect(statSync(db.file).mode & 0o077).toBe(0);
  });
});

describe('binding', () => {
  it('refuses a non-loopback host unless allowRemote is set', async () => {
    const db = tempDb();
    try {
      await expect(startServer({ port: 0, host: '0.0.0.0', dbPath: db.file })).rejects.toMatchObject({ code: 'AGENTOPS_SERVER_REMOTE_HOST', name: 'AgentOpsServerError' });
      await expect(startServer({ port: 0, host: '0.0.0.0', dbPath: db.file })).rejects.toBeInstanceOf(AgentOpsServerError);
      await expect(startServer({ port: 70000, dbPath: db.file })).rejects.toBeInstanceOf(AgentOpsConfigError);
      const allowed = await startServer({ port: 0, host: '0.0.0.0', dbPath: db.file, allowRemote: true });
      await allowed.close();
      expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
      expect(['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
      for (const host of ['127.0.0.1', 'localhost']) {
        const s = await startServer({ port: 0, host, dbPath: db.file });
        expect((await fetch(`http://${host}:${s.port}/healthz`)).status).toBe(200);
        await s.close();
      }
    } finally {
      db.remove();
    }
  });

  it("refuses a file that is not its own database, and leaves it untouched", async () => {
    const db = tempDb();
    try {
      writeFileSync(db.file, 'not a database at all, just text that is long enough to be read as a header by SQLite........');
      await expect(startServer({ port: 0, dbPath: db.file })).rejects.toMatchObject({ code: 'AGENTOPS_SERVER_DATABASE' });
      const other = path.join(db.dir, 'other.db');
      const foreign = new DatabaseSync(other);
      foreign.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
      foreign.close();
      await expect(startServer({ port: 0, dbPath: other })).rejects.toMatchObject({ code: 'AGENTOPS_SERVER_DATABASE', message: expect.stringContaining('invoices') });
      const check = new DatabaseSync(other);
      expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name)).toEqual(['invoices']);
      check.close();
    } finally {
      db.remove();
    }
  });

  it('names a taken port', async () => {
    const db = tempDb();
    const first = await startServer({ port: 0, dbPath: db.file });
    try {
      await expect(startServer({ port: first.port, dbPath: db.file })).rejects.toMatchObject({ code: 'AGENTOPS_SERVER_LISTEN', message: expect.stringContaining('EADDRINUSE') });
    } finally {
      await first.close();
      db.remove();
    }
  });
});
