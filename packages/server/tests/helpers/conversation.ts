/**
 * One request of a chat conversation, served by a process of its own (fixtures/conversation-request.js,
 * with the built `agentops`, as `npm test` builds it first), sending to a local backend.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LocalServer, SessionSummary, SpanNode, SpanView, Totals } from '../../src';
import { SDK_ENV_CLEAR } from '../../../../testing/env';

const run = promisify(execFile);
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'conversation-request.js');

export interface RequestResult {
  traceId: string;
  /** The span the request ended: the session span (`start`) or its turn (`resume`). */
  spanId: string;
  turn: boolean;
}

/** `start`: the conversation's first request (one LLM call); `resume`: a later one (a failed tool call, an LLM call). */
export async function conversationRequest(server: LocalServer, role: 'start' | 'resume', sessionId: string, endState: string, endReason: string): Promise<RequestResult> {
  const { stdout } = await run(process.execPath, [FIXTURE, role, sessionId, endState, endReason], { env: { ...process.env, ...SDK_ENV_CLEAR, ...server.env() } });
  return JSON.parse(stdout) as RequestResult;
}

export interface SessionDetail {
  session: SessionSummary;
  totals: Totals;
  tree: SpanNode[];
}

export async function getJson<T>(server: LocalServer, route: string): Promise<T> {
  const res = await fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** The sessions listed whose trace is `traceId` (a conversation must be exactly one of them). */
export async function listed(server: LocalServer, traceId: string): Promise<SessionSummary[]> {
  const list = await getJson<{ sessions: SessionSummary[] }>(server, '/api/sessions?limit=500');
  return list.sessions.filter((s) => s.traceId === traceId);
}

export async function storedSpans(server: LocalServer, traceId: string): Promise<SpanView[]> {
  return (await getJson<{ spans: SpanView[] }>(server, `/api/sessions/${traceId}/spans`)).spans;
}
