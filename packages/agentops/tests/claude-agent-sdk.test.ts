/**
 * Acceptance (Claude Agent SDK): the real `@anthropic-ai/claude-agent-sdk`, whose `query()` starts
 * its bundled Claude Code CLI, which sends its model calls to the loopback Anthropic stub in this
 * process (scripted answers: a tool use, then an answer). The app is a child process running the
 * built package with a plain `init()` and the SDK imported after it (tests/fixtures/
 * claude-agent-esm.mjs), so the SDK is patched as an application's would be; its spans arrive at a
 * loopback OTLP receiver here and are decoded from the real bytes.
 */
import { scriptSubagentRun, scriptWeatherRun, type ScriptedUsage } from '../../../examples/support/claude-agent-stub';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { LlmStub } from '../../../testing/llm-stub';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { runNode } from './helpers/run-node';

const ESM = 'tests/fixtures/claude-agent-esm.mjs';
const OK = 1;
const ERROR = 2;

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});

afterAll(async () => {
  await receiver.close();
});

interface Run {
  seen: string[];
  error?: { name: string; message: string };
  spans: DecodedSpan[];
  stderr: string;
}

/** Runs the fixture with `env` against a stub whose answers `script` queued; the spans of its session. */
export async function run(script: (s: LlmStub) => unknown, env: Record<string, string> = {}, args: string[] = [ESM]): Promise<Run> {
  const stub = await LlmStub.start();
  script(stub);
  const out = await runNode(args, { STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, NODE_OPTIONS: undefined, ...env }).finally(() => stub.close());
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  const { traceId, seen, error } = JSON.parse(out.stdout) as Run & { traceId: string };
  return { seen, error, spans: receiver.spans().filter((s) => s.traceId === traceId), stderr: out.stderr };
}

const named = (spans: DecodedSpan[], prefix: string): DecodedSpan[] => spans.filter((s) => s.name.startsWith(prefix));
const one = (spans: DecodedSpan[], name: string): DecodedSpan => {
  const found = spans.filter((s) => s.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const sum = (spans: DecodedSpan[], key: string): number => spans.reduce((n, s) => n + Number(s.attributes[key] ?? 0), 0);

const BASELINE = ['system:init', 'assistant', 'assistant', 'user', 'assistant', 'result'];

describe('a Claude Agent SDK query with a tool use', () => {
  let r: Run;
  let usage: ScriptedUsage;

  beforeAll(async () => {
    r = await run((s) => (usage = scriptWeatherRun(s)));
  });

  it('hands the caller the messages it gets without agentops', async () => {
    const off = await run((s) => scriptWeatherRun(s), { FIXTURE_MODE: 'off' });
    expect(off.spans.filter((s) => s.name.startsWith('invoke_agent'))).toEqual([]);
    expect(off.seen).toEqual(BASELINE);
    expect(r.seen).toEqual(BASELINE);
  });

  it('is an invoke_agent span in the session with the result totals', () => {
    const session = r.spans.find((s) => s.parentSpanId === undefined)!;
    const agent = one(r.spans, 'invoke_agent weather-agent');
    expect(agent.parentSpanId).toBe(session.spanId);
    expect(agent.status.code).toBe(OK);
    expect(agent.attributes).toMatchObject({
      'agentops.span.kind': 'agent',
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'weather-agent',
      'agentops.framework': 'claude-agent-sdk',
      'gen_ai.request.model': 'claude-haiku-4-5',
      'agentops.agent.tools': ['mcp__weather__get_weather', 'Agent'],
      'agentops.agent.num_turns': 2,
      'agentops.agent.result': 'success',
      'gen_ai.usage.input_tokens': usage.input,
      'gen_ai.usage.output_tokens': usage.output,
      'agentops.agent.instructions': 'You are a weather assistant. SECRET-INSTRUCTIONS',
      'agentops.operation.input': 'What is the weather in Paris? SECRET-PROMPT',
      'agentops.operation.output': 'Here is the weather in Paris.',
    });
    expect(agent.attributes['agentops.agent.cost_usd']).toBeGreaterThan(0);
    expect(typeof agent.attributes['agentops.claude_agent.session_id']).toBe('string');
  });

  it('records one chat span per model call, whose token sums are the stub\'s exactly, priced', () => {
    const agent = one(r.spans, 'invoke_agent weather-agent');
    const chats = named(r.spans, 'chat ');
    expect(chats).toHaveLength(usage.calls);
    for (const c of chats) {
      expect(c.name).toBe('chat claude-haiku-4-5-20251001');
      expect(c.parentSpanId).toBe(agent.spanId);
      expect(c.attributes['gen_ai.provider.name']).toBe('anthropic');
      expect(c.attributes['agentops.llm.cost_usd']).toBeGreaterThan(0);
    }
    expect(sum(chats, 'gen_ai.usage.input_tokens')).toBe(usage.input);
    expect(sum(chats, 'gen_ai.usage.output_tokens')).toBe(usage.output);
    const first = chats.find((c) => c.attributes['gen_ai.response.id'] === 'msg_turn1')!;
    expect(first.attributes).toMatchObject({ 'gen_ai.usage.cache_read.input_tokens': 10, 'gen_ai.usage.cache_creation.input_tokens': 5, 'gen_ai.response.finish_reasons': ['tool_use'] });
    expect(String(first.attributes['gen_ai.output.messages'])).toContain('Let me look.');
    // The session's totals are the chat spans'.
    const session = r.spans.find((s) => s.parentSpanId === undefined)!;
    expect(session.attributes['agentops.session.input_tokens']).toBe(usage.input);
    expect(session.attributes['agentops.session.output_tokens']).toBe(usage.output);
    expect(session.attributes['agentops.session.llm_calls']).toBe(usage.calls);
  });

  it('records the tool use as execute_tool with its input and result', () => {
    const agent = one(r.spans, 'invoke_agent weather-agent');
    const tool = one(r.spans, 'execute_tool mcp__weather__get_weather');
    expect(tool.parentSpanId).toBe(agent.spanId);
    expect(tool.status.code).toBe(OK);
    expect(tool.attributes).toMatchObject({ 'gen_ai.tool.call.id': 'toolu_w1', 'agentops.framework': 'claude-agent-sdk' });
    expect(JSON.parse(String(tool.attributes['gen_ai.tool.call.arguments']))).toEqual({ city: 'Paris' });
    expect(String(tool.attributes['gen_ai.tool.call.result'])).toContain('Sunny in Paris, 24 C');
  });
});

it('records no prompt, instruction, tool input or output with content capture off', async () => {
  const r = await run((s) => scriptWeatherRun(s), { FIXTURE_CAPTURE: 'off' });
  expect(named(r.spans, 'chat ')).toHaveLength(2);
  expect(named(r.spans, 'execute_tool ')).toHaveLength(1);
  const text = JSON.stringify(r.spans);
  for (const secret of ['SECRET', 'Paris', 'Sunny', 'Let me look', 'weather assistant']) expect(text).not.toContain(secret);
});

it('marks a tool that fails ERROR, and the agent run with it, though the model was told and answered', async () => {
  const r = await run((s) => scriptWeatherRun(s, 'Atlantis'));
  expect(r.seen).toEqual(BASELINE);
  const tool = one(r.spans, 'execute_tool mcp__weather__get_weather');
  expect(tool.status.code).toBe(ERROR);
  expect(tool.attributes['error.type']).toBe('ToolResultError');
  expect(tool.events.some((e) => e.name === 'exception')).toBe(true);
  expect(String(tool.attributes['gen_ai.tool.call.result'])).toContain('no weather station in Atlantis');
  const agent = one(r.spans, 'invoke_agent weather-agent');
  expect(agent.status.code).toBe(ERROR);
  expect(agent.attributes['error.type']).toBe('ToolResultError');
});

it('ends the spans of a query the caller stops reading (break)', async () => {
  const r = await run((s) => scriptWeatherRun(s), { CLAUDE_SCENARIO: 'break' });
  expect(r.seen).toEqual(BASELINE.slice(0, 4));
  const agent = one(r.spans, 'invoke_agent weather-agent');
  expect(agent.attributes['agentops.span.abandoned']).toBe(true);
  const chat = one(r.spans, 'chat claude-haiku-4-5-20251001');
  expect(chat.parentSpanId).toBe(agent.spanId);
  expect(one(r.spans, 'execute_tool mcp__weather__get_weather').status.code).toBe(OK);
});

it('reads exact usage from the partial messages the caller asked for, and hands them all over', async () => {
  let usage!: ScriptedUsage;
  const r = await run((s) => (usage = scriptWeatherRun(s)), { CLAUDE_SCENARIO: 'partial' });
  const off = await run((s) => scriptWeatherRun(s), { CLAUDE_SCENARIO: 'partial', FIXTURE_MODE: 'off' });
  expect(r.seen).toEqual(off.seen);
  expect(r.seen.filter((m) => m.startsWith('stream_event')).length).toBeGreaterThan(4);
  const chats = named(r.spans, 'chat ');
  expect(sum(chats, 'gen_ai.usage.input_tokens')).toBe(usage.input);
  expect(sum(chats, 'gen_ai.usage.output_tokens')).toBe(usage.output);
});

it('nests a subagent (messages with parent_tool_use_id) under its Agent tool span', async () => {
  let usage!: ScriptedUsage;
  const r = await run((s) => (usage = scriptSubagentRun(s)));
  const agent = one(r.spans, 'invoke_agent weather-agent');
  const task = one(r.spans, 'execute_tool Agent');
  expect(task.parentSpanId).toBe(agent.spanId);
  expect(task.attributes['agentops.subagent.total_tokens']).toBeGreaterThan(0);
  const subTool = one(r.spans, 'execute_tool mcp__weather__get_weather');
  expect(subTool.parentSpanId).toBe(task.spanId);
  const chats = named(r.spans, 'chat ');
  const byId = (id: string): DecodedSpan => chats.find((c) => c.attributes['gen_ai.response.id'] === id)!;
  expect(byId('msg_main1').parentSpanId).toBe(agent.spanId);
  expect(byId('msg_main2').parentSpanId).toBe(agent.spanId);
  expect(byId('msg_sub1').parentSpanId).toBe(task.spanId);
  // The main agent's calls carry their exact usage; the run's totals (subagent included) are on the agent span.
  expect(byId('msg_main1').attributes['gen_ai.usage.output_tokens']).toBe(20);
  expect(byId('msg_main2').attributes['gen_ai.usage.output_tokens']).toBe(7);
  expect(agent.attributes['gen_ai.usage.input_tokens']).toBe(usage.input);
  expect(agent.attributes['gen_ai.usage.output_tokens']).toBe(usage.output);
});

it('ends the agent span ERROR when the result is an error (max turns reached); the SDK\'s error reaches the caller', async () => {
  const r = await run((s) => scriptWeatherRun(s), { CLAUDE_MAX_TURNS: '1' });
  const off = await run((s) => scriptWeatherRun(s), { CLAUDE_MAX_TURNS: '1', FIXTURE_MODE: 'off' });
  expect(r.seen).toEqual(off.seen);
  expect(r.seen[r.seen.length - 1]).toBe('result');
  expect(r.error).toEqual(off.error);
  expect(r.error?.message).toContain('Reached maximum number of turns');
  const agent = one(r.spans, 'invoke_agent weather-agent');
  expect(agent.status.code).toBe(ERROR);
  expect(agent.attributes['error.type']).toBe('AgentResultError');
  expect(agent.attributes['agentops.agent.result']).toBe('error_max_turns');
  expect(agent.events.some((e) => e.name === 'exception')).toBe(true);
  expect(one(r.spans, 'execute_tool mcp__weather__get_weather').parentSpanId).toBe(agent.spanId);
});
