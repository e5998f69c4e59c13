/**
 * Acceptance (issue: agent frameworks, OpenAI Agents SDK): the real `@openai/agents` against the
 * loopback stub's Responses API, scripted to call a tool, hand off and answer. Under the session:
 * `invoke_agent` for both agents, one `chat` span per model call (the `openai` client underneath is
 * patched too, and adds none), the tool span, the handoff span; token sums over the chat spans, the
 * session's totals and the token metric all equal what the stub reported. A tool that throws marks
 * the tool and agent spans, and the caller gets its own error; capture off records no content. The
 * SDK's export to OpenAI is switched off here (`setTraceProcessors([])`), as a user may do; its
 * tracing, which the SDK turns off under NODE_ENV=test, is turned on.
 */
import * as agents from '@openai/agents';
import OpenAI from 'openai';
import * as agentops from '../src';
import { buildTriageAgents, TRIAGE_ANSWER, TRIAGE_USAGE, triageReplies } from '../../../examples/support/agents-stub';
import { openaiResponse, openaiResponseEvents } from '../../../testing/llm-stub';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { allText, InstrumentedRun, llmSpans, metric, only, StatusCode } from './helpers/instrumented-run';

let run: InstrumentedRun;
let runner: agents.Runner;

beforeAll(() => {
  // The SDK turns its tracing off under NODE_ENV=test; on, as in an application.
  agents.setTracingDisabled(false);
  // No trace export to OpenAI from the tests; agentops' processor is added by init() and survives this.
  agents.setTraceProcessors([]);
});

beforeEach(async () => {
  run = await InstrumentedRun.start();
  const client = new OpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test', maxRetries: 0 });
  runner = new agents.Runner({ modelProvider: new agents.OpenAIProvider({ openAIClient: client }) });
});

afterEach(() => run.close());

function named(spans: DecodedSpan[], name: string): DecodedSpan {
  return only(spans.filter((s) => s.name === name), name);
}

function sum(spans: DecodedSpan[], key: string): number {
  return spans.reduce((n, s) => n + Number(s.attributes[key] ?? 0), 0);
}

const IN = TRIAGE_USAGE.reduce((n, u) => n + u.input, 0);
const OUT = TRIAGE_USAGE.reduce((n, u) => n + u.output, 0);

describe.each([false, true])('triage run (streamed: %s)', (streamed) => {
  it('maps both agents, each model call once with its usage, the tool and the handoff, into the session', async () => {
    run.init({ captureContent: true, instrument: { openai: OpenAI, openaiAgents: agents } });
    const replies = triageReplies();
    run.stub.enqueue(...(streamed ? replies.map((r) => ({ sse: openaiResponseEvents(r.json as Record<string, unknown>) })) : replies));
    const { triage } = buildTriageAgents(agents);
    let output: unknown;
    const { session, spans } = await run.inSession(async () => {
      if (streamed) {
        const result = await runner.run(triage, 'I was charged twice for order 42', { stream: true });
        for await (const _ of result) void _;
        await result.completed;
        output = result.finalOutput;
      } else {
        output = (await runner.run(triage, 'I was charged twice for order 42')).finalOutput;
      }
    });
    expect(output).toBe(TRIAGE_ANSWER);
    expect(run.stub.requests.map((r) => r.path)).toEqual(['/v1/responses', '/v1/responses', '/v1/responses']);
    const root = session.span.spanContext().spanId;
    const triageSpan = named(spans, 'invoke_agent Triage agent');
    const billingSpan = named(spans, 'invoke_agent Billing agent');
    for (const a of [triageSpan, billingSpan]) {
      expect(a.parentSpanId).toBe(root);
      expect(a.attributes['gen_ai.operation.name']).toBe('invoke_agent');
      expect(a.attributes['agentops.framework']).toBe('openai-agents');
      expect(a.status.code).toBe(StatusCode.OK);
    }
    expect(triageSpan.attributes['agentops.agent.tools']).toEqual(['lookup_order', 'Billing agent']);

    const chats = llmSpans(spans);
    expect(chats.map((s) => s.name)).toEqual(['chat gpt-5-mini', 'chat gpt-5-mini', 'chat gpt-5-mini']);
    expect(chats.map((s) => s.parentSpanId)).toEqual([triageSpan.spanId, triageSpan.spanId, billingSpan.spanId]);
    expect(chats.map((s) => s.attributes['gen_ai.response.id'])).toEqual(['resp_triage_1', 'resp_triage_2', 'resp_billing_1']);
    expect(sum(chats, 'gen_ai.usage.input_tokens')).toBe(IN);
    expect(sum(chats, 'gen_ai.usage.output_tokens')).toBe(OUT);
    for (const c of chats) expect(c.attributes['agentops.llm.cost_usd']).toEqual(expect.any(Number));

    const tool = named(spans, 'execute_tool lookup_order');
    expect(tool.parentSpanId).toBe(triageSpan.spanId);
    expect(tool.status.code).toBe(StatusCode.OK);
    expect(tool.attributes['gen_ai.tool.call.result']).toBe('order 42: charged twice on Monday');
    const handoff = named(spans, 'handoff Triage agent -> Billing agent');
    expect(handoff.parentSpanId).toBe(triageSpan.spanId);
    expect(handoff.attributes).toMatchObject({ 'agentops.span.kind': 'handoff', 'agentops.handoff.from': 'Triage agent', 'agentops.handoff.to': 'Billing agent' });

    expect(session.summary()).toMatchObject({ llmCalls: 3, toolCalls: 1, inputTokens: IN, outputTokens: OUT });
    const tokens = metric(run.receiver.metrics(), 'gen_ai.client.token.usage');
    const total = (type: string) => tokens.points.filter((p) => p.attributes['gen_ai.token.type'] === type).reduce((n, p) => n + (p.sum ?? 0), 0);
    expect(total('input')).toBe(IN);
    expect(total('output')).toBe(OUT);
  });
});

it('a tool that throws: ERROR on the tool and agent spans; the caller gets the SDK\'s ToolCallError holding the very error the tool threw', async () => {
  run.init({ instrument: { openai: OpenAI, openaiAgents: agents } });
  run.stub.enqueue(triageReplies()[0]!);
  class LookupError extends Error {
    override name = 'LookupError';
  }
  const thrown = new LookupError('orders database offline');
  const { triage } = buildTriageAgents(agents, () => {
    throw thrown;
  });
  let caught: unknown;
  const { spans } = await run.inSession(async () => {
    try {
      await runner.run(triage, 'I was charged twice for order 42');
    } catch (err) {
      caught = err;
    }
  });
  // The SDK wraps a tool's failure in its ToolCallError; agentops leaves both as they are.
  expect(caught).toBeInstanceOf(agents.ToolCallError);
  expect((caught as InstanceType<typeof agents.ToolCallError>).error).toBe(thrown);
  const tool = named(spans, 'execute_tool lookup_order');
  const agent = named(spans, 'invoke_agent Triage agent');
  for (const s of [tool, agent]) {
    expect(s.status.code).toBe(StatusCode.ERROR);
    expect(s.events.some((e) => e.name === 'exception')).toBe(true);
  }
  expect(tool.attributes['error.type']).toBe('LookupError');
  expect(llmSpans(spans)).toHaveLength(1);
});

it('content capture off: no prompt, instruction, tool argument or result, nor answer, in any span', async () => {
  run.init({ captureContent: false, instrument: { openai: OpenAI, openaiAgents: agents } });
  run.stub.enqueue(...triageReplies());
  const { triage } = buildTriageAgents(agents, () => 'SECRET-ORDER-RECORD');
  const { spans } = await run.inSession(async () => {
    await runner.run(triage, 'SECRET-USER-PROMPT order 42');
  });
  expect(llmSpans(spans)).toHaveLength(3);
  const text = allText(spans);
  for (const secret of ['SECRET-USER-PROMPT', 'SECRET-ORDER-RECORD', 'Look the order up', 'billing problems', 'order_id', TRIAGE_ANSWER]) expect(text).not.toContain(secret);
});

it('a run outside any session opens the automatic one; after shutdown the SDK runs unrecorded', async () => {
  run.init({ autoStartSession: true, instrument: { openai: OpenAI, openaiAgents: agents } });
  run.stub.enqueue({ json: openaiResponse({ model: 'gpt-5-mini', text: 'hello' }) });
  const agent = new agents.Agent({ name: 'Greeter', instructions: 'Greet.', model: 'gpt-5-mini' });
  expect((await runner.run(agent, 'hi')).finalOutput).toBe('hello');
  const spans = await run.spans();
  const a = named(spans, 'invoke_agent Greeter');
  expect(a.attributes['session.id']).toEqual(expect.any(String));
  expect(only(llmSpans(spans)).parentSpanId).toBe(a.spanId);
  await agentops.shutdown(1000);
  run.stub.enqueue({ json: openaiResponse({ model: 'gpt-5-mini', text: 'again' }) });
  expect((await runner.run(agent, 'hi')).finalOutput).toBe('again');
});

it('an input guardrail that trips: a guardrail span with its name and triggered, and the SDK\'s tripwire error reaches the caller', async () => {
  run.init({ instrument: { openai: OpenAI, openaiAgents: agents } });
  run.stub.enqueue({ json: openaiResponse({ model: 'gpt-5-mini', text: 'never read' }) });
  const agent = new agents.Agent({
    name: 'Guarded',
    instructions: 'Answer.',
    model: 'gpt-5-mini',
    inputGuardrails: [{ name: 'no_card_numbers', execute: async () => ({ tripwireTriggered: true, outputInfo: { reason: 'card number' } }) }],
  });
  let caught: unknown;
  const { spans } = await run.inSession(async () => {
    try {
      await runner.run(agent, 'my card is 4111 1111 1111 1111');
    } catch (err) {
      caught = err;
    }
  });
  expect(caught).toBeInstanceOf(agents.InputGuardrailTripwireTriggered);
  const guardrail = named(spans, 'guardrail no_card_numbers');
  expect(guardrail.attributes).toMatchObject({ 'agentops.span.kind': 'guardrail', 'agentops.guardrail.name': 'no_card_numbers', 'agentops.guardrail.triggered': true });
  expect(allText(spans)).not.toContain('4111');
});
