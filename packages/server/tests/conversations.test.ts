/**
 * Acceptance (a conversation over requests, in the local backend): two processes with the built SDK
 * serve one conversation, the first request starting its session and the other resuming it, in
 * either order. The REST API lists it once (never a second row for the turn, nor for the session
 * span arriving after it), with two turns, its duration from its first span to its last, tokens,
 * cost, LLM and tool calls and errors over both requests, and the end state of the request that
 * ended last. Before the session span arrives, the turn alone is listed, named by its session id,
 * with its end state, not as running.
 */
import type { LocalServer } from '../src';
import { conversationRequest, getJson, listed, storedSpans, type SessionDetail } from './helpers/conversation';
import { useServer } from './helpers/test-server';

describe('a conversation served by two processes, in the local backend', () => {
  const current = useServer();
  let server: LocalServer;
  beforeAll(() => (server = current()));

  it.each([
    ['the first request first', 'start', 'Fail'],
    ['the resumed request first', 'resume', 'Success'],
  ] as const)('is one session with both turns and totals over both, %s', async (_label, first, lastEndState) => {
    const sessionId = `conv-42-${first}`;
    const run = (role: 'start' | 'resume') =>
      role === 'start' ? conversationRequest(server, 'start', sessionId, 'Success', 'answered') : conversationRequest(server, 'resume', sessionId, 'Fail', 'refund refused');
    const a = await run(first);
    const traceId = a.traceId;

    const [alone] = await listed(server, traceId);
    expect(alone).toMatchObject({ sessionId, turns: 1, running: false, tags: ['chat'] });
    if (first === 'resume') {
      // Only the turn has arrived: listed, named by the conversation, with its end state.
      expect(alone).toMatchObject({ name: sessionId, rootArrived: false, endState: 'Fail', endReason: 'refund refused' });
      const byId = await getJson<SessionDetail>(server, `/api/sessions/${encodeURIComponent(sessionId)}`);
      expect(byId.tree.map((n) => n.spanId)).toEqual([a.spanId]);
      expect(byId.tree[0]!.category).toBe('turn');
    } else {
      expect(alone).toMatchObject({ name: 'support chat', rootArrived: true, endState: 'Success' });
    }

    const b = await run(first === 'start' ? 'resume' : 'start');
    expect(b.traceId).toBe(traceId);
    const rows = await listed(server, traceId);
    expect(rows).toHaveLength(1);
    const [session, turn] = first === 'start' ? [a, b] : [b, a];
    expect(turn.turn).toBe(true);
    expect(session.turn).toBe(false);

    // The session span, its LLM call; the turn, its failed tool call, its LLM call.
    const spans = await storedSpans(server, traceId);
    expect(spans).toHaveLength(5);
    const llm = spans.filter((s) => s.category === 'llm');
    const cost = llm.reduce((n, s) => n + (s.attributes['agentops.llm.cost_usd'] as number), 0);
    expect(cost).toBeGreaterThan(0);
    const start = spans.reduce((m, s) => (BigInt(s.startTimeUnixNano) < m ? BigInt(s.startTimeUnixNano) : m), BigInt(spans[0]!.startTimeUnixNano));
    const end = spans.reduce((m, s) => (BigInt(s.endTimeUnixNano) > m ? BigInt(s.endTimeUnixNano) : m), 0n);
    const turnSpan = spans.find((s) => s.spanId === turn.spanId)!;
    const sessionSpan = spans.find((s) => s.spanId === session.spanId)!;
    // Whichever request ended last gives the conversation's end state.
    expect(BigInt(turnSpan.endTimeUnixNano) > BigInt(sessionSpan.endTimeUnixNano)).toBe(first === 'start');

    const row = rows[0]!;
    expect(row).toMatchObject({
      traceId,
      sessionId,
      name: 'support chat',
      tags: ['chat'],
      turns: 2,
      rootArrived: true,
      running: false,
      endState: lastEndState,
      endReason: lastEndState === 'Fail' ? 'refund refused' : 'answered',
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: end.toString(),
    });
    expect(row.totals).toEqual({
      durationMs: Number(end - start) / 1e6,
      spans: 5,
      llmCalls: 2,
      toolCalls: 1,
      // The failed tool call; the turn that ended as Fail is the end state, shown on its own.
      errors: 1,
      inputTokens: 12,
      outputTokens: 5,
      costUsd: expect.closeTo(cost, 12),
    });

    // One timeline: the session span is the one root; the turn, with its calls, is under it.
    const detail = await getJson<SessionDetail>(server, `/api/sessions/${traceId}`);
    expect(detail.session).toEqual(row);
    expect(detail.totals).toEqual({ ...row.totals, costUsd: expect.closeTo(row.totals.costUsd, 12) });
    expect(detail.tree.map((n) => n.spanId)).toEqual([session.spanId]);
    const turnNode = detail.tree[0]!.children.find((n) => n.spanId === turn.spanId)!;
    expect(turnNode).toMatchObject({ category: 'turn', name: 'turn' });
    expect(turnNode.children.map((n) => n.category).sort()).toEqual(['llm', 'tool']);

    // Filters see the conversation's end state and no longer call it running.
    const byState = await getJson<{ sessions: Array<{ traceId: string }> }>(server, `/api/sessions?end_state=${lastEndState}&limit=500`);
    expect(byState.sessions.filter((s) => s.traceId === traceId)).toHaveLength(1);
    const running = await getJson<{ sessions: Array<{ traceId: string }> }>(server, '/api/sessions?end_state=running&limit=500');
    expect(running.sessions.filter((s) => s.traceId === traceId)).toHaveLength(0);
  });

  it('lists the two conversations once each', async () => {
    const list = await getJson<{ sessions: Array<{ sessionId: string }>; total: number }>(server, '/api/sessions?tag=chat');
    expect(list.total).toBe(2);
    expect(list.sessions.map((s) => s.sessionId).sort()).toEqual(['conv-42-resume', 'conv-42-start']);
  });
});
