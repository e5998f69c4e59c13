/**
 * Acceptance (no flag under ES modules, Google GenAI): the built package (`dist/`, as `npm test`
 * builds it first) records the real `@google/genai` client, v3 and v1, the same way from an ES
 * module and from CommonJS: the module handed to `init()`; a plain `init()` with no flag, the client
 * imported statically before it or with `import()` after it (ES module), or required before or
 * after it (CommonJS); `--import agentops/hook`; and `instrument: false`. Each model call is exactly
 * one span. v1 runs in an app made in a temporary folder, where it is installed under its own name.
 * Each variant is a child process; its spans arrive at a loopback OTLP receiver in this process.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { llmSpans } from './helpers/instrumented-run';
import { LlmStub } from '../../../testing/llm-stub';
import { OtlpReceiver } from '../../../testing/otlp-receiver';

const run = promisify(execFile);
const repo = path.join(__dirname, '..', '..', '..');
const fixtures = path.join(__dirname, 'fixtures');

const FIVE = ['chat gemini-2.5-flash', 'chat gemini-2.5-flash', 'chat gemini-2.5-flash', 'chat gemini-2.5-flash', 'embeddings gemini-embedding-001'];

interface Variant {
  label: string;
  /** Node's arguments: flags, then the fixture's file name. */
  args: string[];
  mode: string;
  expected: string[];
}

const VARIANTS: Variant[] = [
  { label: 'ESM, the module passed to init()', args: ['genai-esm.mjs'], mode: 'explicit', expected: FIVE },
  { label: 'ESM, a static import before a plain init(), no flag', args: ['genai-esm.mjs'], mode: 'auto', expected: FIVE },
  { label: 'ESM, imported with import() after a plain init(), no flag', args: ['genai-esm-later.mjs'], mode: 'auto', expected: FIVE },
  { label: 'ESM, under --import agentops/hook', args: ['--import', 'agentops/hook', 'genai-esm.mjs'], mode: 'auto', expected: FIVE },
  { label: 'ESM, instrument: false', args: ['genai-esm.mjs'], mode: 'off', expected: [] },
  { label: 'CJS, the module passed to init()', args: ['genai-cjs.cjs'], mode: 'explicit', expected: FIVE },
  { label: 'CJS, required after a plain init()', args: ['genai-cjs.cjs'], mode: 'after', expected: FIVE },
  { label: 'CJS, required before a plain init()', args: ['genai-cjs.cjs'], mode: 'before', expected: FIVE },
  { label: 'CJS, instrument: false', args: ['genai-cjs.cjs'], mode: 'off', expected: [] },
];

const FILES = ['genai-esm.mjs', 'genai-esm-later.mjs', 'genai-cjs.cjs', 'genai-calls.cjs'];

/**
 * An app whose `@google/genai` is v1, installed under its own name (the repository has it as the
 * alias `@google/genai-v1`, which is not the package agentops looks for): a copy of it, every other
 * package linked from the repository, and the fixtures.
 */
function appWithV1(work: string): string {
  const app = path.join(work, 'genai-v1-app');
  const nm = path.join(app, 'node_modules');
  mkdirSync(path.join(nm, '@google'), { recursive: true });
  for (const entry of readdirSync(path.join(repo, 'node_modules'))) {
    if (entry === '@google' || entry.startsWith('.')) continue;
    symlinkSync(path.join(repo, 'node_modules', entry), path.join(nm, entry), 'dir');
  }
  cpSync(path.join(repo, 'node_modules', '@google', 'genai-v1'), path.join(nm, '@google', 'genai'), { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'genai-v1-app', private: true, dependencies: { '@google/genai': '^1.52.0', agentops: '*' } }));
  for (const f of FILES) copyFileSync(path.join(fixtures, f), path.join(app, f));
  return app;
}

describe('@google/genai from ES modules and CommonJS, the built package', () => {
  let stub: LlmStub;
  let receiver: OtlpReceiver;
  let work: string;
  let v1App: string;

  beforeAll(async () => {
    [stub, receiver] = await Promise.all([LlmStub.start(), OtlpReceiver.start()]);
    work = mkdtempSync(path.join(tmpdir(), 'agentops-genai-'));
    v1App = appWithV1(work);
  });

  afterAll(async () => {
    await Promise.all([stub.close(), receiver.close()]);
    rmSync(work, { recursive: true, force: true });
  });

  const cases = [
    ...VARIANTS.map((v) => ({ ...v, version: 'v3', where: () => fixtures })),
    ...VARIANTS.map((v) => ({ ...v, version: 'v1', where: () => v1App })),
  ];

  it.each(cases)('$version: $label', async (v) => {
    const cwd = v.where();
    const env = { ...process.env, ...SDK_ENV_CLEAR, STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, FIXTURE_MODE: v.mode, NODE_OPTIONS: undefined };
    const sent = stub.requests.length;
    const { stdout, stderr } = await run(process.execPath, v.args, { cwd, env });
    expect(stderr).toBe('');
    // The version that ran: v1 of the SDK calls the API's v1beta, v3 its v1.
    const paths = stub.requests.slice(sent).map((r) => r.path);
    expect(paths).toHaveLength(5);
    for (const p of paths) expect(p.startsWith(v.version === 'v1' ? '/v1beta/models/' : '/v1/models/')).toBe(true);
    const { traceId } = JSON.parse(stdout) as { traceId: string };
    // The child's shutdown() flushed before it printed: its spans are here.
    const spans: DecodedSpan[] = receiver.spans().filter((s) => s.traceId === traceId);
    const session = spans.find((s) => s.parentSpanId === undefined);
    expect(session?.name).toMatch(/-session$/);
    const llm = llmSpans(spans);
    expect(llm.map((s) => s.name).sort()).toEqual(v.expected);
    for (const s of llm) {
      expect(s.parentSpanId).toBe(session!.spanId);
      expect(s.attributes['gen_ai.provider.name']).toBe('gcp.gemini');
      if (s.name.startsWith('chat')) expect(s.attributes['gen_ai.response.id']).toBe('resp-gemini-stub1');
      else expect(s.attributes['gen_ai.embeddings.dimension.count']).toBe(8);
    }
  });
});
