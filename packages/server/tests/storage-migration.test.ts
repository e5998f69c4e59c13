/**
 * A database written by the previous version of the backend (schema version 1,
 * fixtures/database-v1.sql) opens and works: it is upgraded in place, once; the turn spans it held
 * are counted and filed as turns; its conversations show the end state of their latest request and
 * a conversation of turns only is named by its session id, not running; its API key still works;
 * its sessions are found by their span names, services and models, and count as errors the failed
 * spans but not their own Fail state; spans sent afterwards are stored and rolled up by the new
 * rules; its LLM and tool spans get the model and tool name the dashboard groups by. A database of
 * a later version is refused.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AgentOpsServerError, startServer, type LocalServer } from '../src';
import { SCHEMA_VERSION } from '../src/schema';
import { Storage } from '../src/storage';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { conversationRequest, getJson, listed, storedSpans, type SessionDetail } from './helpers/conversation';
import { tempDb } from './helpers/temp-db';

const V1 = readFileSync(path.join(__dirname, 'fixtures', 'database-v1.sql'), 'utf8');
const BOTH = 'a1026968377485910a98d6651ae4ee17';
const TURN_ONLY = '926aa1cf126324f3fe7c730ab0b4da68';

function userVersion(file: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  } finally {
    db.close();
  }
}

describe('a database written by schema version 1', () => {
  const db = tempDb();
  let server: LocalServer | undefined;
  let restoreEnv: () => void;

  beforeAll(() => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    const raw = new DatabaseSync(db.file);
    raw.exec(V1);
    raw.close();
  });

  afterAll(async () => {
    await server?.close();
    restoreEnv();
    db.remove();
  });

  it('is upgraded on open and keeps working', async () => {
    expect(userVersion(db.file)).toBe(1);
    const oldKey = /'(aol_[^']+)'/.exec(V1)![1];
    server = await startServer({ port: 0, dbPath: db.file });
    expect(SCHEMA_VERSION).toBe(3);
    expect(userVersion(db.file)).toBe(3);
    expect(server.apiKey).toBe(oldKey);

    // The first request, then a resumed one that ended later as Fail: one session of two turns.
    const [both] = await listed(server, BOTH);
    const bothSpans = await storedSpans(server, BOTH);
    expect(bothSpans.filter((s) => s.category === 'turn').map((s) => s.name)).toEqual(['turn']);
    expect(both).toMatchObject({ sessionId: 'conv-v1-both', name: 'support chat', turns: 2, rootArrived: true, running: false, endState: 'Fail', endReason: 'refund refused' });
    const start = bothSpans.map((s) => BigInt(s.startTimeUnixNano)).reduce((a, b) => (b < a ? b : a));
    const end = bothSpans.map((s) => BigInt(s.endTimeUnixNano)).reduce((a, b) => (b > a ? b : a));
    // Errors are the failed tool call only: the turn that ended Fail is the session's end state.
    expect(both!.totals).toMatchObject({ durationMs: Number(end - start) / 1e6, spans: 5, llmCalls: 2, toolCalls: 1, errors: 1, inputTokens: 12, outputTokens: 5 });
    // Its services, models and span names were gathered from the stored spans: the list finds it by them.
    expect(both).toMatchObject({ services: ['agentops-app'], models: ['gpt-4o-mini'], inSession: true });
    for (const q of ['q=issue_refund', 'model=gpt-4o-mini', 'service=agentops-app']) {
      const found = await getJson<{ sessions: Array<{ traceId: string }> }>(server, `/api/sessions?${q}`);
      expect(found.sessions.map((s) => s.traceId)).toContain(BOTH);
    }

    // A resumed request alone: named by its conversation, with its end state, not running.
    const [alone] = await listed(server, TURN_ONLY);
    expect(alone).toMatchObject({ sessionId: 'conv-v1-turn-only', name: 'conv-v1-turn-only', turns: 1, rootArrived: false, running: false, endState: 'Fail' });
    const byId = await getJson<SessionDetail>(server, '/api/sessions/conv-v1-turn-only');
    expect(byId.session.traceId).toBe(TURN_ONLY);
    expect(byId.tree.map((n) => n.category)).toEqual(['turn']);

    // The LLM and tool spans stored before version 3 got their model and tool name: the dashboard groups them.
    const dash = await getJson<{ models: Array<{ model: string; totals: { calls: number } }>; tools: Array<{ tool: string; totals: { calls: number; errors: number } }> }>(
      server,
      `/api/dashboard?from=${start / 1_000_000n}&to=${end / 1_000_000n + 10_000n}`,
    );
    expect(dash.models.map((m) => [m.model, m.totals.calls])).toEqual([['gpt-4o-mini', 3]]);
    expect(dash.tools.map((t) => [t.tool, t.totals.calls])).toEqual([['issue_refund', 2]]);

    // Its first request arrives now, from a process of the current SDK: still one session.
    const first = await conversationRequest(server, 'start', 'conv-v1-turn-only', 'Success', 'answered');
    expect(first.traceId).toBe(TURN_ONLY);
    const rows = await listed(server, TURN_ONLY);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'support chat', turns: 2, rootArrived: true, endState: 'Success', endReason: 'answered' });
    expect(rows[0]!.totals).toMatchObject({ spans: 5, llmCalls: 2, toolCalls: 1, inputTokens: 12, outputTokens: 5 });
    const detail = await getJson<SessionDetail>(server, `/api/sessions/${TURN_ONLY}`);
    expect(detail.tree.map((n) => n.spanId)).toEqual([first.spanId]);
    expect(detail.tree[0]!.children.filter((n) => n.category === 'turn')).toHaveLength(1);
  });

  it('is upgraded once: opened again, it is as it was', async () => {
    const before = await listed(server!, BOTH);
    await server!.close();
    server = await startServer({ port: 0, dbPath: db.file });
    expect(userVersion(db.file)).toBe(3);
    expect(await listed(server, BOTH)).toEqual(before);
  });
});

describe('a database of a later schema version', () => {
  it('is refused, named with its version', () => {
    const db = tempDb();
    try {
      const raw = new DatabaseSync(db.file);
      raw.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
      raw.close();
      let caught: unknown;
      try {
        Storage.open(db.file).close();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AgentOpsServerError);
      expect(caught).toMatchObject({ code: 'AGENTOPS_SERVER_DATABASE', message: expect.stringContaining(`schema version ${SCHEMA_VERSION + 1}`) });
      expect(userVersion(db.file)).toBe(SCHEMA_VERSION + 1);
    } finally {
      db.remove();
    }
  });
});
