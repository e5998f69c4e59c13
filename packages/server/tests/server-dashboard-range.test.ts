/**
 * The dashboard finds a range's spans through the sessions that overlap it (no index on the spans
 * themselves, which would cost every span written). These are the cases where a span's session
 * does not look like it overlaps: a session that started a week before the range and whose root
 * ended long before, with a late call inside the range; and a call sent ending before it starts
 * (any exporter can send that), the last span of its session. Both must count, as must nothing
 * outside the range. Real server, OTLP/JSON over HTTP, the REST answers.
 */
import type { LocalServer } from '../src';
import { useServer } from './helpers/test-server';

const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 2, 2, 12); // the range: BASE to BASE + 1 h
const ns = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
const str = (s: string) => ({ stringValue: s });

function llm(traceId: string, spanId: string, parent: string, model: string, startMs: number, endMs: number, input: number) {
  return {
    traceId,
    spanId,
    parentSpanId: parent,
    name: `chat ${model}`,
    kind: 3,
    startTimeUnixNano: ns(startMs),
    endTimeUnixNano: ns(endMs),
    attributes: [
      { key: 'gen_ai.operation.name', value: str('chat') },
      { key: 'gen_ai.request.model', value: str(model) },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: String(input) } },
    ],
  };
}

function root(traceId: string, spanId: string, startMs: number, endMs: number) {
  return { traceId, spanId, name: 'agent', kind: 1, startTimeUnixNano: ns(startMs), endTimeUnixNano: ns(endMs), attributes: [{ key: 'agentops.span.kind', value: str('session') }] };
}

const OLD = 'a1'.padEnd(32, '0'); // started a week before, root ended then, one late call in the range
const BACKWARDS = 'b2'.padEnd(32, '0'); // its call inside the range ends before it starts
const OUTSIDE = 'c3'.padEnd(32, '0'); // all of it an hour after the range

describe('dashboard ranges', () => {
  const current = useServer();
  let server: LocalServer;

  async function rest<T>(url: string): Promise<T> {
    const res = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    server = current();
    const week = 7 * 24 * HOUR;
    const spans = [
      root(OLD, 'a100000000000001', BASE - week, BASE - week + 60_000),
      llm(OLD, 'a100000000000002', 'a100000000000001', 'late-model', BASE - week + 1_000, BASE - week + 2_000, 1),
      llm(OLD, 'a100000000000003', 'a100000000000001', 'late-model', BASE + 10 * 60_000, BASE + 10 * 60_000 + 500, 10),
      root(BACKWARDS, 'b200000000000001', BASE - HOUR, BASE - HOUR + 1_000),
      llm(BACKWARDS, 'b200000000000002', 'b200000000000001', 'backwards-model', BASE + 20 * 60_000, BASE - 2 * HOUR, 100),
      root(OUTSIDE, 'c300000000000001', BASE + 2 * HOUR, BASE + 2 * HOUR + 5_000),
      llm(OUTSIDE, 'c300000000000002', 'c300000000000001', 'late-model', BASE + 2 * HOUR + 1_000, BASE + 2 * HOUR + 2_000, 1000),
    ];
    // Sent in two requests, the late call last, as a long-running agent would.
    for (const batch of [spans.slice(0, 2), spans.slice(2)]) {
      const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans: batch }] }] });
      const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` } });
      expect(res.status).toBe(200);
    }
  });

  it('counts the calls that start in the range, whatever their session looks like, and none outside', async () => {
    const d = await rest<{ models: Array<{ model: string; totals: { calls: number; inputTokens: number } }>; totals: { llmCalls: number; inputTokens: number } }>(
      `/api/dashboard?from=${BASE}&to=${BASE + HOUR}&bucket=1h`,
    );
    expect(Object.fromEntries(d.models.map((m) => [m.model, m.totals]))).toEqual({
      'late-model': { calls: 1, inputTokens: 10, outputTokens: 0, costUsd: 0 },
      'backwards-model': { calls: 1, inputTokens: 100, outputTokens: 0, costUsd: 0 },
    });
    expect(d.totals).toMatchObject({ llmCalls: 2, inputTokens: 110 });
  });

  it('lists those sessions behind the model, with what they contributed', async () => {
    const late = await rest<{ sessions: Array<{ traceId: string; point: { calls: number; inputTokens: number } }> }>(
      `/api/dashboard/sessions?from=${BASE}&to=${BASE + HOUR}&model=late-model`,
    );
    expect(late.sessions.map((s) => [s.traceId, s.point.calls, s.point.inputTokens])).toEqual([[OLD, 1, 10]]);
    const backwards = await rest<{ sessions: Array<{ traceId: string }> }>(`/api/dashboard/sessions?from=${BASE}&to=${BASE + HOUR}&model=backwards-model`);
    expect(backwards.sessions.map((s) => s.traceId)).toEqual([BACKWARDS]);
  });
});
