/**
 * Acceptance (sessions that outlive one request): a conversation served by two processes, each
 * request a process of its own with the built package, is one trace with exactly one parentless
 * span, whichever process runs first: the first request starts the session (its span id, like its
 * trace id, derived from the session id), the other resumes it, and its turn span is a child of the
 * session span. Every span of both carries the session's id, conversation id and user id. Then, in
 * one process: overlapping turns, a turn before the session's first request, and a turn's url,
 * summary and context propagation.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { trace } from '@opentelemetry/api';
import * as agentops from '../src';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { sessionIdToTraceId, sessionSpanId } from '../src/session/trace-id';
import { useCollector } from './helpers/use-collector';

const run = promisify(execFile);
const root = join(__dirname, '..');
const turn = join(__dirname, 'fixtures', 'conversation-turn.js');

/** Every span of `spans` whose chain of parents (within `spans`) reaches `ancestor`. */
function descendsFrom(span: DecodedSpan, ancestor: string, spans: DecodedSpan[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let s: DecodedSpan | undefined = span; s !== undefined; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) {
    if (s.parentSpanId === ancestor) return true;
  }
  return false;
}

describe('a conversation over requests served by different processes', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const request = async (role: 'start' | 'resume', sessionId: string): Promise<{ traceId: string; spanId: string; turn: boolean }> => {
    const { stdout } = await run(process.execPath, [turn, role, sessionId], { cwd: root, env: { ...process.env, ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url } });
    return JSON.parse(stdout) as { traceId: string; spanId: string; turn: boolean };
  };

  it.each([
    ['the first request first', ['start', 'resume'] as const],
    ['the resumed request first', ['resume', 'start'] as const],
  ])('is one trace with one parentless span, %s', async (_label, order) => {
    const sessionId = `conv-42-${order[0]}`;
    const results: Record<string, { traceId: string; spanId: string; turn: boolean }> = {};
    for (const role of order) results[role] = await request(role, sessionId);
    const traceId = sessionIdToTraceId(sessionId);
    expect(results.start!.traceId).toBe(traceId);
    expect(results.resume!.traceId).toBe(traceId);
    expect(results.resume!.turn).toBe(true);

    const spans = receiver.spans();
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    expect(roots).toHaveLength(1);
    const session = roots[0]!;
    expect(session.spanId).toBe(sessionSpanId(traceId));
    expect(session.attributes['agentops.span.kind']).toBe('session');

    const turnSpan = spans.find((s) => s.attributes['agentops.span.kind'] === 'turn')!;
    expect(turnSpan.name).toBe('turn');
    expect(turnSpan.parentSpanId).toBe(session.spanId);
    expect(turnSpan.spanId).toBe(results.resume!.spanId);
    // The resumed request's tool and LLM call descend from the session span, under its turn.
    const resumed = spans.filter((s) => s.name === 'execute_tool lookup_order' || s.attributes['gen_ai.input.messages']?.toString().includes('hello from resume'));
    expect(resumed).toHaveLength(2);
    for (const s of resumed) {
      expect(s.parentSpanId).toBe(turnSpan.spanId);
      expect(descendsFrom(s, session.spanId, spans)).toBe(true);
    }
    // The session span and its LLM call; the turn, its tool and its LLM call: nothing else.
    expect(spans).toHaveLength(5);
    for (const s of spans) {
      expect(s.attributes['session.id']).toBe(sessionId);
      expect(s.attributes['gen_ai.conversation.id']).toBe(sessionId);
      expect(s.attributes['user.id']).toBe('user-7');
    }
  });
});

describe('the conversation server example', () => {
  it('answers three messages of one conversation as one session span and two turns', async () => {
    const repo = join(__dirname, '..', '..', '..');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/conversation-server.ts'], { cwd: repo, env: { ...process.env, ...SDK_ENV_CLEAR, AGENTOPS_LOG_LEVEL: 'error' }, timeout: 60_000 });
    const tree = stdout.slice(stdout.indexOf('conversation ('));
    // One top-level span (a tree line that starts with neither a box-drawing glyph nor a space).
    expect(tree.split('\n').filter((l) => /^[A-Za-z]/.test(l))).toEqual([expect.stringMatching(/^conversation \(/)]);
    expect(tree).toMatch(/├─ message 2 \(/);
    expect(tree).toMatch(/└─ message 3 \(/);
    expect(stdout).toContain('< Order 42 has shipped.');
  });
});

describe('turns in one process', () => {
  const collector = useCollector();

  it('overlapping turns, and a turn before the first request, each sit under the derived session span', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent' });
    const early = agentops.startSession({ sessionId: 'conv-7', resume: true, name: 'early turn' });
    const a = agentops.startSession({ sessionId: 'conv-7', resume: true });
    const b = agentops.startSession({ sessionId: 'conv-7', resume: true });
    a.record(new agentops.ToolEvent({ name: 'a' }));
    b.record(new agentops.ToolEvent({ name: 'b' }));
    early.end();
    b.end('Fail', 'tool failed');
    a.end();
    const first = agentops.startSession({ sessionId: 'conv-7' });
    first.end();
    expect(await agentops.flush(5000)).toBe(true);

    const traceId = sessionIdToTraceId('conv-7');
    const spans = collector().spans().filter((s) => s.traceId === traceId);
    const session = spans.find((s) => s.parentSpanId === undefined)!;
    expect(spans.filter((s) => s.parentSpanId === undefined)).toEqual([session]);
    const turns = spans.filter((s) => s.attributes['agentops.span.kind'] === 'turn');
    expect(turns.map((s) => s.name).sort()).toEqual(['early turn', 'turn', 'turn']);
    for (const t of turns) expect(t.parentSpanId).toBe(session.spanId);
    expect(spans.find((s) => s.name === 'execute_tool a')!.parentSpanId).toBe(a.span.spanContext().spanId);
    expect(spans.find((s) => s.name === 'execute_tool b')!.parentSpanId).toBe(b.span.spanContext().spanId);
    const failed = turns.find((t) => t.spanId === b.span.spanContext().spanId)!;
    expect(failed.status.code).toBe(2);
    expect(failed.attributes['agentops.session.end_state']).toBe('Fail');
    expect(failed.attributes['agentops.session.end_reason']).toBe('tool failed');
  });

  it("a turn's url is its session's, its summary counts what the turn recorded, and inject() carries the turn", async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent', appUrl: 'https://viewer.example' });
    const t = agentops.startSession({ sessionId: 'conv-8', resume: true });
    const traceId = sessionIdToTraceId('conv-8');
    expect(t.traceId).toBe(traceId);
    expect(t.url).toBe(`https://viewer.example/sessions?trace_id=${traceId}`);
    t.record(new agentops.LLMEvent({ model: 'gpt-4o-mini', promptTokens: 10, completionTokens: 3 }));
    const headers = t.run(() => agentops.inject({} as Record<string, string>));
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-${t.span.spanContext().spanId}-01$`));
    t.end();
    await agentops.flush(5000);
    expect(t.summary()).toMatchObject({ id: 'conv-8', traceId, llmCalls: 1, inputTokens: 10, outputTokens: 3, endState: 'Success' });
    // Another service continuing from the turn lands under it, in the same trace.
    const received = collector().spans().filter((s) => s.traceId === traceId);
    expect(received.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'turn']);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('resume without a sessionId starts a new session and says so once', async () => {
    const warnings: string[] = [];
    agentops.init({ autoStartSession: false, logger: { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} } });
    const s = agentops.startSession({ resume: true });
    expect(s.turn).toBe(false);
    expect(warnings.filter((w) => w.includes('resume: true }) needs the sessionId'))).toHaveLength(1);
    s.end();
  });
});
