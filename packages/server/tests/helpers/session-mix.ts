/**
 * Many sessions of mixed services, models, tags and end states, sent as OTLP/JSON to a running
 * backend (what any exporter may send): session `i` starts `i` minutes after MIX_START_MS and has a
 * session span, an agent span, an LLM call and a tool call (failed in Fail sessions). A few are
 * special: one named by a word no other has, one with a span name no other has, one unnamed (its
 * default name comes from its agent span), spans recorded outside any session, and hostile names
 * and tags.
 */
import type { LocalServer } from '../../src';

export const MIX_START_MS = Date.UTC(2026, 10, 1, 0, 0, 0);
export const SERVICES = ['billing-bot', 'support-bot', 'search-bot'];
export const MODELS = ['gpt-5-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash', 'gpt-4o'];
export const TAGS = [['prod'], ['staging'], ['prod', 'eu'], [], ['canary']];
export const STATES = ['Success', 'Fail', 'Indeterminate'];
export const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">';
export const HOSTILE_TAG = '<b>bold</b>';

/** Indexes of the special sessions (of 2,000). */
export const UNIQUE_WORD = { index: 1234, word: 'reconciliation' };
export const UNIQUE_SPAN = { index: 777, name: 'execute_tool escalate_to_legal' };
export const UNNAMED = { index: 5, agent: 'invoke_agent triage' };
export const HOSTILE = { index: 9 };

export const traceIdOf = (i: number): string => `5e55${i.toString(16).padStart(28, '0')}`;
export const outsideTraceId = 'f00d'.repeat(8);

type Value = { stringValue: string } | { intValue: string } | { doubleValue: number } | { arrayValue: { values: Value[] } };
const str = (s: string): Value => ({ stringValue: s });
const attrs = (o: Record<string, Value>): Array<{ key: string; value: Value }> => Object.entries(o).map(([key, value]) => ({ key, value }));
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const spanId = (i: number, k: number): string => `${(k + 1).toString(16)}${i.toString(16).padStart(15, '0')}`;

export interface MixedSession {
  index: number;
  traceId: string;
  name: string;
  service: string;
  model: string;
  tags: string[];
  state: string;
  startMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export function mixedSession(i: number): MixedSession {
  const name = i === UNIQUE_WORD.index ? `quarterly ${UNIQUE_WORD.word} run` : i === HOSTILE.index ? HOSTILE_NAME : i === UNNAMED.index ? 'session' : `${['refund', 'order', 'invoice', 'search', 'chat'][i % 5]} task ${i}`;
  return {
    index: i,
    traceId: traceIdOf(i),
    name,
    service: SERVICES[i % SERVICES.length]!,
    model: MODELS[i % MODELS.length]!,
    tags: i === HOSTILE.index ? [HOSTILE_TAG] : TAGS[i % TAGS.length]!,
    state: STATES[Math.floor(i / 2) % STATES.length]!,
    startMs: MIX_START_MS + i * 60_000,
    inputTokens: 100 + (i % 17),
    outputTokens: 20 + (i % 5),
    // A price per call as a provider's per-token price makes it: not a round binary fraction.
    costUsd: (100 + (i % 17)) * 1.5e-7 + (20 + (i % 5)) * 6.1e-7,
  };
}

function spansOf(s: MixedSession): unknown[] {
  const i = s.index;
  const t = s.startMs;
  const root = spanId(i, 0);
  const agent = spanId(i, 1);
  const failed = s.state === 'Fail';
  const tool = i === UNIQUE_SPAN.index ? UNIQUE_SPAN.name : 'execute_tool lookup_order';
  return [
    {
      traceId: s.traceId, spanId: root, name: s.name, kind: 1, startTimeUnixNano: ns(t), endTimeUnixNano: ns(t + 4000),
      attributes: attrs({
        'agentops.span.kind': str('session'), 'session.id': str(`mix-${i}`), 'agentops.session.end_state': str(s.state),
        'agentops.tags': { arrayValue: { values: s.tags.map(str) } },
      }),
      status: { code: failed ? 2 : 1 },
    },
    {
      traceId: s.traceId, spanId: agent, parentSpanId: root, name: i === UNNAMED.index ? UNNAMED.agent : 'invoke_agent helper', kind: 1,
      startTimeUnixNano: ns(t + 10), endTimeUnixNano: ns(t + 3900), attributes: attrs({ 'gen_ai.operation.name': str('invoke_agent') }),
    },
    {
      traceId: s.traceId, spanId: spanId(i, 2), parentSpanId: agent, name: `chat ${s.model}`, kind: 3, startTimeUnixNano: ns(t + 20), endTimeUnixNano: ns(t + 1500),
      attributes: attrs({
        'gen_ai.operation.name': str('chat'), 'gen_ai.request.model': str(s.model),
        'gen_ai.usage.input_tokens': { intValue: String(s.inputTokens) }, 'gen_ai.usage.output_tokens': { intValue: String(s.outputTokens) },
        'agentops.llm.cost_usd': { doubleValue: s.costUsd },
      }),
    },
    {
      traceId: s.traceId, spanId: spanId(i, 3), parentSpanId: agent, name: tool, kind: 1, startTimeUnixNano: ns(t + 1600), endTimeUnixNano: ns(t + 1700),
      attributes: attrs({ 'gen_ai.operation.name': str('execute_tool') }), status: { code: failed ? 2 : 0, message: failed ? 'refused' : '' },
    },
  ];
}

/** A tool called with no session open: a trace whose root is the tool span, failed. */
export function outsideSpans(): unknown[] {
  const t = MIX_START_MS - 3_600_000;
  return [
    {
      traceId: outsideTraceId, spanId: 'f00d000000000001', name: 'execute_tool refund_order', kind: 1, startTimeUnixNano: ns(t), endTimeUnixNano: ns(t + 250),
      attributes: attrs({ 'gen_ai.operation.name': str('execute_tool') }), status: { code: 2, message: 'no such order' },
    },
  ];
}

async function post(server: LocalServer, resourceSpans: unknown[]): Promise<void> {
  const res = await fetch(`${server.url}/v1/traces`, {
    method: 'POST',
    body: JSON.stringify({ resourceSpans }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
  });
  if (res.status !== 200) throw new Error(`sending spans: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { partialSuccess?: unknown };
  if (body.partialSuccess !== undefined) throw new Error(`spans refused: ${JSON.stringify(body)}`);
}

/** Sends sessions 0..n-1 and the outside-session trace; returns what was sent. */
export async function sendMixedSessions(server: LocalServer, n: number): Promise<MixedSession[]> {
  const sessions = Array.from({ length: n }, (_, i) => mixedSession(i));
  const BATCH = 250;
  for (let k = 0; k < n; k += BATCH) {
    const batch = sessions.slice(k, k + BATCH);
    await post(
      server,
      SERVICES.map((service) => ({
        resource: { attributes: attrs({ 'service.name': str(service) }) },
        scopeSpans: [{ scope: { name: 'mix' }, spans: batch.filter((s) => s.service === service).flatMap(spansOf) }],
      })),
    );
  }
  await post(server, [{ resource: { attributes: attrs({ 'service.name': str('refunds-worker') }) }, scopeSpans: [{ scope: { name: 'mix' }, spans: outsideSpans() }] }]);
  return sessions;
}

/** Waits until the backend has stored `n` sessions (ingest is asynchronous: a write queue). */
export async function waitForSessions(server: LocalServer, n: number): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    const res = await fetch(`${server.url}/api/sessions?limit=1`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    const body = (await res.json()) as { total: number };
    if (body.total >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the backend did not store ${n} sessions`);
}
