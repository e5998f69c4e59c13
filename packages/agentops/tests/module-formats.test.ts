/**
 * Acceptance (how instrumentation hooks in; no flag under ES modules): the built package (`dist/`,
 * as `npm test` builds it first, loaded through its own name) instruments the real OpenAI and
 * Anthropic clients the same way from an ES module and from CommonJS: classes handed to `init()`; a
 * plain `init()` with no flag, the clients imported statically before it or with `import()` after
 * it (ES module), or required before or after it (CommonJS); `--import agentops/hook`; and
 * `instrument: false`. Each call is exactly one LLM span. Each variant is a child process; its spans
 * arrive at a loopback OTLP receiver in this process. Run with the current majors (`openai` 7,
 * `@anthropic-ai/sdk` 1, from the repository), and with the oldest supported ones (`openai` 4,
 * `@anthropic-ai/sdk` 0) installed under their own names in an application made in a temporary
 * folder, as an application that depends on them has them. The same for the AI SDK (`ai` 7, recorded
 * with nothing on the call; `ai` 5, with `experimental_telemetry: aiSdkTelemetry()`).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { llmSpans, only } from './helpers/instrumented-run';
import OLDEST from '../../../testing/oldest-majors.json';
import { LlmStub } from '../../../testing/llm-stub';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { runNode } from './helpers/run-node';

const root = join(__dirname, '..');
const repo = join(root, '..', '..');

interface Variant {
  label: string;
  args: string[];
  mode: string;
  /** LLM span names expected, sorted. */
  expected: string[];
  /** Spans of the Anthropic SDK's own tracing expected. */
  nativeAnthropic: number;
}

const ESM = 'tests/fixtures/openai-esm.mjs';
const CJS = 'tests/fixtures/llm-clients-cjs.cjs';
const ESM_LATER = 'tests/fixtures/esm-import-later.mjs';

const FOUR = ['chat claude-haiku-4-5', 'chat claude-haiku-4-5', 'chat gpt-4o-mini', 'chat gpt-4o-mini'];
const VARIANTS: Variant[] = [
  { label: 'ESM, classes passed to init()', args: [ESM], mode: 'explicit', expected: FOUR, nativeAnthropic: 0 },
  { label: 'ESM, static imports before a plain init(), no flag', args: [ESM], mode: 'auto', expected: FOUR, nativeAnthropic: 0 },
  { label: 'ESM, imported with import() after a plain init(), no flag', args: [ESM_LATER], mode: 'auto', expected: FOUR, nativeAnthropic: 0 },
  { label: 'ESM, under --import agentops/hook', args: ['--import', 'agentops/hook', ESM], mode: 'auto', expected: FOUR, nativeAnthropic: 0 },
  { label: 'ESM, instrument: false', args: [ESM], mode: 'off', expected: [], nativeAnthropic: 2 },
  { label: 'CJS, clients required after init()', args: [CJS], mode: 'after', expected: ['chat claude-haiku-4-5', 'chat gpt-4o-mini'], nativeAnthropic: 0 },
  { label: 'CJS, clients required before init()', args: [CJS], mode: 'before', expected: ['chat claude-haiku-4-5', 'chat gpt-4o-mini'], nativeAnthropic: 0 },
  { label: 'CJS, instrument: false', args: [CJS], mode: 'off', expected: [], nativeAnthropic: 1 },
];


/**
 * An application in a temporary folder whose supported libraries are the oldest supported majors,
 * copied from their aliases (a copy, not a link: Node resolves links to their target, whose folder
 * name is the alias, and an installed package sits in a folder of its own name); every other package
 * links to the repository's, agentops to its built package.
 */
function oldestMajorsApp(dir: string): string {
  const modules = join(dir, 'node_modules');
  const own = join(repo, 'node_modules');
  const replaced = new Set(Object.keys(OLDEST));
  for (const name of readdirSync(own)) {
    if (name.startsWith('.') || name === 'agentops' || replaced.has(name)) continue;
    if (!name.startsWith('@')) {
      symlinkSync(join(own, name), join(modules, name), 'dir');
      continue;
    }
    mkdirSync(join(modules, name), { recursive: true });
    for (const sub of readdirSync(join(own, name))) {
      if (!replaced.has(`${name}/${sub}`)) symlinkSync(join(own, name, sub), join(modules, name, sub), 'dir');
    }
  }
  for (const [name, alias] of Object.entries(OLDEST)) cpSync(join(own, alias), join(modules, name), { recursive: true });
  symlinkSync(root, join(modules, 'agentops'), 'dir');
  cpSync(join(root, 'tests', 'fixtures'), join(dir, 'tests', 'fixtures'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'oldest-majors-app', private: true, dependencies: Object.fromEntries(Object.keys(OLDEST).map((n) => [n, '*'])) }));
  return dir;
}

interface Majors {
  label: string;
  openai: string;
  anthropic: string;
  ai: string;
  /** Where the fixtures run. */
  app(): string;
  /** Whether an AI SDK call needs `experimental_telemetry: aiSdkTelemetry()` to be recorded (the AI SDK 5 and 6). */
  aiOption: boolean;
  /** The LLM spans of the AI SDK fixtures' generateText() and streamText() calls. */
  aiModelSpans: string[];
}

const MAJORS: Majors[] = [
  { label: 'current majors', openai: '7', anthropic: '1', ai: '7', app: () => root, aiOption: false, aiModelSpans: ['chat gpt-4o-mini', 'chat gpt-4o-mini'] },
  {
    label: 'oldest supported majors',
    openai: '4',
    anthropic: '0',
    ai: '5',
    app: () => oldestMajorsApp(mkdtempSync(join(tmpdir(), 'agentops-oldest-'))),
    aiOption: true,
    aiModelSpans: ['ai.generateText.doGenerate', 'ai.streamText.doStream'],
  },
];

const AI_VARIANTS = [
  { label: 'ESM, static imports before a plain init(), no flag', file: 'tests/fixtures/ai-sdk-esm.mjs' },
  { label: 'CJS, required after a plain init()', file: 'tests/fixtures/ai-sdk-cjs.cjs' },
];

describe.each(MAJORS)('the built package from ES modules and CommonJS, $label', (majors) => {
  let stub: LlmStub;
  let receiver: OtlpReceiver;
  let app: string;

  beforeAll(async () => {
    app = majors.app();
    [stub, receiver] = await Promise.all([LlmStub.start(), OtlpReceiver.start()]);
  });

  afterAll(async () => {
    await Promise.all([stub.close(), receiver.close()]);
    if (app !== root) rmSync(app, { recursive: true, force: true });
  });

  it.each(VARIANTS)('$label', async (v) => {
    const before = stub.requests.length;
    const out = await runNode(v.args, { STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, FIXTURE_MODE: v.mode, NODE_OPTIONS: undefined }, app);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    // The calls were made by the majors under test: the clients name their version in a header.
    const made = stub.requests.slice(before).map((r) => `${r.path === '/v1/messages' ? 'anthropic' : 'openai'} ${String(r.headers['x-stainless-package-version']).split('.')[0]!}`);
    expect(new Set(made)).toEqual(new Set([`openai ${majors.openai}`, `anthropic ${majors.anthropic}`]));
    const { traceId } = JSON.parse(out.stdout) as { traceId: string };
    // The child's shutdown() flushed before it printed: its spans are here.
    const spans: DecodedSpan[] = receiver.spans().filter((s) => s.traceId === traceId);
    const session = spans.find((s) => s.parentSpanId === undefined);
    expect(session?.name).toMatch(/-session$/);
    const llm = llmSpans(spans);
    expect(llm.map((s) => s.name).sort()).toEqual(v.expected);
    for (const s of llm) {
      expect(s.parentSpanId).toBe(session!.spanId);
      expect(s.attributes['gen_ai.response.id']).toEqual(expect.any(String));
    }
    expect(spans.filter((s) => s.scope.name === 'com.anthropic.sdk.typescript')).toHaveLength(v.nativeAnthropic);
  });

  it.each(AI_VARIANTS)('the AI SDK, $label: each model call is one LLM span in the session', async (v) => {
    const before = stub.requests.length;
    const out = await runNode([v.file], { STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, AI_SDK_OPTION: majors.aiOption ? '1' : '0', NODE_OPTIONS: undefined }, app);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    // The AI SDK names its version in the user agent of its requests.
    const agents = stub.requests.slice(before).map((r) => String(r.headers['user-agent']));
    expect(agents.some((a) => a.startsWith(`ai/${majors.ai}.`))).toBe(true);
    const { traceId } = JSON.parse(out.stdout) as { traceId: string };
    const spans: DecodedSpan[] = receiver.spans().filter((s) => s.traceId === traceId);
    const session = only(spans.filter((s) => s.parentSpanId === undefined));
    const llm = llmSpans(spans);
    expect(llm.map((s) => s.name).sort()).toEqual(majors.aiModelSpans);
    for (const s of llm) expect(s.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': expect.any(Number) });
    expect(session.attributes['agentops.session.llm_calls']).toBe(2);
  });
});
