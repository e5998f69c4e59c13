/**
 * Acceptance (current majors; the examples as a user runs them): `examples/openai-agent.ts`,
 * `examples/anthropic-agent.ts` and `examples/ai-sdk.ts` run with tsx in a child process, on the
 * current majors of their libraries and, unchanged, on the oldest supported ones (their imports
 * resolved to the repository's aliases by testing/oldest-majors.mjs). Their sessions reach a
 * loopback OTLP receiver: each model call is one LLM span of the session, priced.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { llmSpans, only } from './helpers/instrumented-run';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');

interface Example {
  file: string;
  /** The packages it imports that have an oldest supported major under an alias. */
  libraries: string[];
  /** LLM span names, sorted, on the current and on the oldest majors. */
  current: string[];
  oldest: string[];
}

const EXAMPLES: Example[] = [
  {
    file: 'examples/openai-agent.ts',
    libraries: ['openai'],
    current: ['chat gpt-5.4', 'chat gpt-5.4', 'chat gpt-5.4'],
    oldest: ['chat gpt-5.4', 'chat gpt-5.4', 'chat gpt-5.4'],
  },
  {
    file: 'examples/anthropic-agent.ts',
    libraries: ['@anthropic-ai/sdk'],
    current: ['chat claude-haiku-4-5', 'chat claude-haiku-4-5'],
    oldest: ['chat claude-haiku-4-5', 'chat claude-haiku-4-5'],
  },
  {
    file: 'examples/ai-sdk.ts',
    libraries: ['@ai-sdk/openai', 'ai'],
    current: ['chat gpt-5.4', 'chat gpt-5.4', 'chat gpt-5.4'],
    oldest: ['ai.generateText.doGenerate', 'ai.generateText.doGenerate', 'ai.streamText.doStream'],
  },
];

const CASES = EXAMPLES.flatMap((e) => [
  { ...e, majors: 'current' as const },
  { ...e, majors: 'oldest' as const },
]);

describe('the examples on the current and the oldest supported majors', () => {
  let receiver: OtlpReceiver;
  let work: string;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    work = mkdtempSync(join(tmpdir(), 'agentops-examples-'));
  });

  afterAll(async () => {
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  });

  it.each(CASES)('$file on the $majors majors', async (example) => {
    const log = join(work, `${example.file.replace(/\W/g, '-')}-${example.majors}.log`);
    const env = { ...process.env, ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url, AGENTOPS_LOG_LEVEL: 'error', AGENTOPS_TEST_MAJORS_LOG: log, NODE_OPTIONS: undefined };
    const hook = example.majors === 'oldest' ? ['--import', './testing/oldest-majors.mjs'] : [];
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', ...hook, example.file], { cwd: root, env, timeout: 60_000 });
    expect(stderr).toBe('');
    // What ran: the aliases of the oldest majors, or the packages themselves.
    const redirected = example.majors === 'oldest' ? readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]).sort() : [];
    expect(redirected).toEqual(example.majors === 'oldest' ? example.libraries : []);
    const sessionId = /^session (\S+)$/m.exec(stdout)?.[1];
    expect(sessionId).toEqual(expect.any(String));
    // Every span of the session carries its id; the session span is the one without a parent.
    const session = only(receiver.spans().filter((s) => s.attributes['session.id'] === sessionId && s.parentSpanId === undefined));
    const spans = receiver.spans().filter((s) => s.traceId === session.traceId);
    const llm = llmSpans(spans);
    expect(llm.map((s) => s.name).sort()).toEqual(example[example.majors]);
    for (const s of llm) expect(s.attributes['agentops.llm.cost_usd']).toEqual(expect.any(Number));
    expect(session.attributes['agentops.session.llm_calls']).toBe(llm.length);
  });
});
