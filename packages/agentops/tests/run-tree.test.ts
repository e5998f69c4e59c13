/**
 * The run tree the agent-framework integrations share: runs nest by their framework ids, land in the
 * session, keep LLM usage on the framework's span only, and are ended when abandoned.
 */
import { LLMEvent, ToolEvent } from '../src';
import { RunTree } from '../src/integrations/shared/run-tree';
import { isLLMSpanSuppressed } from '../src/integrations/shared/suppress';
import { InstrumentedRun, StatusCode, only } from './helpers/instrumented-run';

let run: InstrumentedRun;
beforeEach(async () => {
  run = await InstrumentedRun.start();
});
afterEach(() => run.close());

test('runs nest by parent id under the session; the LLM run suppresses client spans inside it; errors mark the run', async () => {
  run.init({ captureContent: false });
  const tree = new RunTree('test-framework');
  const { session, spans } = await run.inSession(async () => {
    tree.startAgent('a1', undefined, { name: 'triage', instructions: 'secret instructions', tools: ['lookup', 'billing'] });
    tree.startLLM('m1', 'a1', new LLMEvent({ model: 'gpt-4o', provider: 'openai', prompt: 'secret prompt' }));
    expect(isLLMSpanSuppressed(tree.context('m1')!)).toBe(true);
    const e = tree.event<LLMEvent>('m1')!;
    e.promptTokens = 11;
    e.completionTokens = 7;
    tree.end('m1');
    tree.startTool('t1', 'a1', new ToolEvent({ name: 'lookup', params: { id: 1 } }));
    expect(isLLMSpanSuppressed(tree.context('t1')!)).toBe(false);
    tree.end('t1', { error: new TypeError('no such order') });
    tree.handoff('a1', 'triage', 'billing');
    tree.end('a1', { output: 'done' });
  });
  const agent = only(spans.filter((s) => s.name === 'invoke_agent triage'), 'agent span');
  expect(agent.parentSpanId).toBe(session.span.spanContext().spanId);
  expect(agent.attributes['gen_ai.agent.name']).toBe('triage');
  expect(agent.attributes['agentops.agent.tools']).toEqual(['lookup', 'billing']);
  expect(agent.attributes['agentops.agent.instructions']).toBeUndefined();
  expect(agent.attributes['agentops.framework']).toBe('test-framework');
  expect(agent.status.code).toBe(StatusCode.OK);
  const chat = only(spans.filter((s) => s.name === 'chat gpt-4o'), 'chat span');
  expect(chat.parentSpanId).toBe(agent.spanId);
  expect(chat.attributes['gen_ai.usage.input_tokens']).toBe(11);
  expect(chat.attributes['gen_ai.input.messages']).toBeUndefined();
  const tool = only(spans.filter((s) => s.name === 'execute_tool lookup'), 'tool span');
  expect(tool.parentSpanId).toBe(agent.spanId);
  expect(tool.status.code).toBe(StatusCode.ERROR);
  expect(tool.attributes['error.type']).toBe('TypeError');
  const handoff = only(spans.filter((s) => s.name === 'handoff triage -> billing'), 'handoff span');
  expect(handoff.parentSpanId).toBe(agent.spanId);
  expect(handoff.attributes['agentops.handoff.to']).toBe('billing');
  expect(session.summary().llmCalls).toBe(1);
});

test('content capture on records the instructions, redacted; abandon ends open runs marked', async () => {
  run.init({ captureContent: true });
  const tree = new RunTree('test-framework');
  const { spans } = await run.inSession(async () => {
    tree.startAgent('a1', undefined, { name: 'writer', instructions: 'be brief' });
    tree.startTool('t1', 'a1', new ToolEvent({ name: 'search', params: { q: 'x' } }));
    tree.abandon(new Error('cancelled'));
    expect(tree.size).toBe(0);
  });
  const agent = only(spans.filter((s) => s.name === 'invoke_agent writer'), 'agent span');
  expect(agent.attributes['agentops.agent.instructions']).toBe('be brief');
  expect(agent.attributes['agentops.span.abandoned']).toBe(true);
  const tool = only(spans.filter((s) => s.name === 'execute_tool search'), 'tool span');
  expect(tool.attributes['agentops.span.abandoned']).toBe(true);
  expect(tool.status.code).toBe(StatusCode.ERROR);
});

test('a run with no open session opens the automatic one; nothing is recorded before init', async () => {
  const before = new RunTree('test-framework');
  expect(before.startAgent('x', undefined, { name: 'early' })).toBeUndefined();
  run.init({ autoStartSession: true });
  const tree = new RunTree('test-framework');
  tree.startAgent('a1', undefined, { name: 'lonely' });
  tree.end('a1');
  const spans = await run.spans();
  const agent = only(spans.filter((s) => s.name === 'invoke_agent lonely'), 'agent span');
  expect(agent.attributes['session.id']).toEqual(expect.any(String));
});

test('framework values (agent names, tools, handoff targets, end attributes) pass the redactor', async () => {
  const key = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
  run.init({ captureContent: false });
  const tree = new RunTree('test-framework');
  const { spans } = await run.inSession(async () => {
    tree.startAgent('a1', undefined, { name: `agent ${key}`, tools: [`tool ${key}`] });
    tree.handoff('a1', 'triage', `to ${key}`);
    tree.end('a1', { attributes: { 'agentops.guardrail.name': `guard ${key}` } });
  });
  const text = JSON.stringify(spans);
  expect(text).not.toContain(key);
  const agent = only(spans.filter((s) => s.attributes['agentops.span.kind'] === 'agent'), 'agent span');
  expect(agent.attributes['gen_ai.agent.name']).toBe('agent <redacted:openai-key>');
  expect(agent.attributes['agentops.agent.tools']).toEqual(['tool <redacted:openai-key>']);
  expect(agent.attributes['agentops.guardrail.name']).toBe('guard <redacted:openai-key>');
});
