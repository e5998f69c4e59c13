/**
 * Acceptance (Claude Agent SDK with no flag): the built package patches the real SDK, an ES module
 * package, in child processes: an ES module app importing it after a plain init(), one importing it
 * statically under `--import agentops/hook`, a CommonJS app requiring it after init(). One whose
 * namespace was loaded before any hook (a static import with no flag, a require before init())
 * cannot be patched, and records a query handed over with agentops.instrument(query(...)).
 */
import { scriptWeatherRun } from '../../../examples/support/claude-agent-stub';
import { LlmStub } from '../../../testing/llm-stub';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { runNode } from './helpers/run-node';

interface Variant {
  label: string;
  args: string[];
  mode?: string;
  agent: string | undefined;
}

const VARIANTS: Variant[] = [
  { label: 'ESM, imported after a plain init()', args: ['tests/fixtures/claude-agent-esm.mjs'], agent: 'invoke_agent weather-agent' },
  { label: 'ESM, static import under --import agentops/hook', args: ['--import', 'agentops/hook', 'tests/fixtures/claude-agent-esm-static.mjs'], agent: 'invoke_agent weather-agent' },
  { label: 'ESM, static import with no flag: not patched', args: ['tests/fixtures/claude-agent-esm-static.mjs'], agent: undefined },
  { label: 'ESM, static import with no flag, query handed over', args: ['tests/fixtures/claude-agent-esm-static.mjs'], mode: 'hand-over', agent: 'invoke_agent claude-agent' },
  { label: 'CJS, required after init()', args: ['tests/fixtures/claude-agent-cjs.cjs'], mode: 'after', agent: 'invoke_agent weather-agent' },
];

describe('the built package patches the Claude Agent SDK with no flag', () => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });

  afterAll(async () => {
    await receiver.close();
  });

  it.each(VARIANTS)('$label', async (v) => {
    const stub = await LlmStub.start();
    const usage = scriptWeatherRun(stub);
    const out = await runNode(v.args, { STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, FIXTURE_MODE: v.mode, NODE_OPTIONS: undefined }).finally(() => stub.close());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const { traceId } = JSON.parse(out.stdout) as { traceId: string };
    const spans = receiver.spans().filter((s) => s.traceId === traceId);
    const agents = spans.filter((s) => s.name.startsWith('invoke_agent'));
    if (v.agent === undefined) {
      expect(agents).toEqual([]);
      return;
    }
    expect(agents.map((s) => s.name)).toEqual([v.agent]);
    const chats = spans.filter((s) => s.name.startsWith('chat '));
    expect(chats.every((c) => c.parentSpanId === agents[0]!.spanId)).toBe(true);
    const sum = (key: string): number => chats.reduce((n, c) => n + Number(c.attributes[key]), 0);
    expect(sum('gen_ai.usage.input_tokens')).toBe(usage.input);
    expect(agents[0]!.attributes['gen_ai.usage.output_tokens']).toBe(usage.output);
    // A query handed over after it was made could not ask for partial messages: its calls carry the
    // output tokens the assistant messages report (counted at message_start), the exact total is the agent's.
    if (v.mode !== 'hand-over') expect(sum('gen_ai.usage.output_tokens')).toBe(usage.output);
    expect(spans.filter((s) => s.name === 'execute_tool mcp__weather__get_weather')).toHaveLength(1);
  });

  it('reports once that an SDK required before init() cannot be patched', async () => {
    const stub = await LlmStub.start();
    scriptWeatherRun(stub);
    const out = await runNode(['tests/fixtures/claude-agent-cjs.cjs'], { STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, FIXTURE_MODE: 'before', NODE_OPTIONS: undefined }).finally(() => stub.close());
    expect(out.code).toBe(0);
    expect(out.stderr.match(/ES module exports cannot be replaced/g)).toHaveLength(1);
    expect(out.stderr).toMatch(/agentops\.instrument\(query\(\{ \.\.\. \}\)\)/);
  });
});
