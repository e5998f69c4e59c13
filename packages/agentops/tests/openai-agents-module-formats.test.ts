/**
 * Acceptance (no flag under ES modules, OpenAI Agents SDK): the built package (`dist/`, as
 * `npm test` builds it first) records the real `@openai/agents` the same way from an ES module and
 * from CommonJS: the modules handed to `init()`; a plain `init()` with no flag, the SDK imported
 * statically before it (ES module) or required before or after it (CommonJS); `--import
 * agentops/hook`; and `instrument: false`. The triage run maps to both agents, the tool, the handoff
 * and one chat span per model call. Each variant is a child process; its spans arrive at a loopback
 * OTLP receiver in this process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TRIAGE_ANSWER, TRIAGE_USAGE, triageReplies } from '../../../examples/support/agents-stub';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { llmSpans } from './helpers/instrumented-run';
import { LlmStub } from '../../../testing/llm-stub';
import { OtlpReceiver } from '../../../testing/otlp-receiver';

const run = promisify(execFile);
const fixtures = path.join(__dirname, 'fixtures');

const VARIANTS = [
  { label: 'ESM, the modules passed to init()', args: ['openai-agents-esm.mjs'], mode: 'explicit', recorded: true },
  { label: 'ESM, static imports before a plain init(), no flag', args: ['openai-agents-esm.mjs'], mode: 'auto', recorded: true },
  { label: 'ESM, under --import agentops/hook', args: ['--import', 'agentops/hook', 'openai-agents-esm.mjs'], mode: 'auto', recorded: true },
  { label: 'ESM, instrument: false', args: ['openai-agents-esm.mjs'], mode: 'off', recorded: false },
  { label: 'CJS, the modules passed to init()', args: ['openai-agents-cjs.cjs'], mode: 'explicit', recorded: true },
  { label: 'CJS, required after a plain init()', args: ['openai-agents-cjs.cjs'], mode: 'after', recorded: true },
  { label: 'CJS, required before a plain init()', args: ['openai-agents-cjs.cjs'], mode: 'before', recorded: true },
  { label: 'CJS, instrument: false', args: ['openai-agents-cjs.cjs'], mode: 'off', recorded: false },
];

describe('@openai/agents from ES modules and CommonJS, the built package', () => {
  let stub: LlmStub;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    [stub, receiver] = await Promise.all([LlmStub.start(), OtlpReceiver.start()]);
  });

  afterAll(async () => {
    await Promise.all([stub.close(), receiver.close()]);
  });

  it.each(VARIANTS)('$label', async (v) => {
    const env = { ...process.env, ...SDK_ENV_CLEAR, STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, FIXTURE_MODE: v.mode, NODE_OPTIONS: undefined };
    stub.enqueue(...triageReplies());
    const { stdout, stderr } = await run(process.execPath, v.args, { cwd: fixtures, env });
    expect(stderr).toBe('');
    const { traceId, output } = JSON.parse(stdout) as { traceId: string; output: string };
    expect(output).toBe(TRIAGE_ANSWER);
    const spans: DecodedSpan[] = receiver.spans().filter((s) => s.traceId === traceId);
    const names = spans.map((s) => s.name);
    if (!v.recorded) {
      expect(names).toEqual(['esm-session', 'cjs-session'].filter((n) => names.includes(n)));
      return;
    }
    for (const n of ['invoke_agent Triage agent', 'invoke_agent Billing agent', 'execute_tool lookup_order', 'handoff Triage agent -> Billing agent']) {
      expect(names.filter((x) => x === n)).toHaveLength(1);
    }
    const chats = llmSpans(spans);
    expect(chats).toHaveLength(3);
    expect(chats.reduce((n, s) => n + Number(s.attributes['gen_ai.usage.input_tokens']), 0)).toBe(TRIAGE_USAGE.reduce((n, u) => n + u.input, 0));
    const agentIds = new Set(spans.filter((s) => s.name.startsWith('invoke_agent')).map((s) => s.spanId));
    for (const c of chats) expect(agentIds.has(c.parentSpanId!)).toBe(true);
  });
});
