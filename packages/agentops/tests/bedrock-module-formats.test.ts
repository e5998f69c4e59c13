/**
 * Acceptance (no flag under ES modules, Bedrock Runtime): the built package records the real
 * `@aws-sdk/client-bedrock-runtime`, current 3.x and 3.925, in an application that loads it as an ES
 * module (a static `import` before a plain `init()`, or `import()` after it) or with `require` (before
 * or after `init()`), with no flag: exactly one `chat {model}` span per model call (Converse,
 * ConverseStream, InvokeModel, InvokeModelWithResponseStream, the aggregated client), in the session.
 * Each variant is a child process in an application folder of its own, whose node_modules holds the
 * client version under test as `@aws-sdk/client-bedrock-runtime`; its spans arrive at a loopback OTLP
 * receiver in this process, its calls at a loopback Bedrock stub in this process.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BedrockStub } from '../../../testing/bedrock-stub';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { llmSpans } from './helpers/instrumented-run';

const run = promisify(execFile);
const repo = path.join(__dirname, '..', '..', '..');
const modules = path.join(repo, 'node_modules');
const PACKAGE = '@aws-sdk/client-bedrock-runtime';
const FIXTURES = ['bedrock-calls.cjs', 'bedrock-cjs.cjs', 'bedrock-esm.mjs', 'bedrock-esm-later.mjs'];

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the fixtures' own list of the calls they make
const { expectedSpans } = require('./fixtures/bedrock-calls.cjs') as { expectedSpans: string[] };

const VERSIONS: Array<[label: string, installed: string, version: string]> = [
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ['current 3.x', PACKAGE, (require(`${PACKAGE}/package.json`) as { version: string }).version],
  ['3.925', 'bedrock-runtime-v3-925', '3.925.0'],
];

const VARIANTS = [
  { label: 'ESM, static import before a plain init(), no flag', file: 'bedrock-esm.mjs', mode: 'auto', expected: expectedSpans },
  { label: 'ESM, import() after a plain init(), no flag', file: 'bedrock-esm-later.mjs', mode: 'auto', expected: expectedSpans },
  { label: 'CJS, required before a plain init()', file: 'bedrock-cjs.cjs', mode: 'before', expected: expectedSpans },
  { label: 'CJS, required after a plain init()', file: 'bedrock-cjs.cjs', mode: 'after', expected: expectedSpans },
  { label: 'ESM, instrument: false', file: 'bedrock-esm.mjs', mode: 'off', expected: [] },
];

/**
 * An application folder that declares the client, with the repository's packages in its
 * node_modules and, as `@aws-sdk/client-bedrock-runtime`, the installed copy named `installed` (an
 * npm alias is copied in under the real name, as an application installs it).
 */
function makeApp(root: string, installed: string): string {
  const app = mkdtempSync(path.join(root, 'app-'));
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'bedrock-app', private: true, dependencies: { [PACKAGE]: '^3.0.0', agentops: '*' } }));
  for (const f of FIXTURES) copyFileSync(path.join(__dirname, 'fixtures', f), path.join(app, f));
  const nm = path.join(app, 'node_modules');
  if (installed === PACKAGE) {
    symlinkSync(modules, nm, 'dir');
    return app;
  }
  mkdirSync(path.join(nm, '@aws-sdk'), { recursive: true });
  for (const entry of readdirSync(modules)) {
    if (entry !== '@aws-sdk') symlinkSync(path.join(modules, entry), path.join(nm, entry), 'dir');
  }
  for (const entry of readdirSync(path.join(modules, '@aws-sdk'))) {
    if (entry !== 'client-bedrock-runtime') symlinkSync(path.join(modules, '@aws-sdk', entry), path.join(nm, '@aws-sdk', entry), 'dir');
  }
  const from = path.join(modules, installed);
  const to = path.join(nm, '@aws-sdk', 'client-bedrock-runtime');
  mkdirSync(to);
  for (const entry of ['package.json', 'dist-cjs', 'dist-es']) cpSync(path.join(from, entry), path.join(to, entry), { recursive: true });
  // Its own dependencies, where npm nested them, stay where they are.
  symlinkSync(path.join(from, 'node_modules'), path.join(to, 'node_modules'), 'dir');
  return app;
}

describe.each(VERSIONS)('@aws-sdk/client-bedrock-runtime %s from ES modules and CommonJS, no flag', (_label, installed, version) => {
  let work: string;
  let app: string;
  let stub: BedrockStub;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'agentops-bedrock-'));
    app = makeApp(work, installed);
    [stub, receiver] = await Promise.all([BedrockStub.start(), OtlpReceiver.start()]);
  });

  afterAll(async () => {
    await Promise.all([stub.close(), receiver.close()]);
    rmSync(work, { recursive: true, force: true });
  });

  it.each(VARIANTS)('$label', async (v) => {
    const env = { ...process.env, ...SDK_ENV_CLEAR, NODE_OPTIONS: undefined, STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, FIXTURE_MODE: v.mode, AGENTOPS_LOG_LEVEL: 'warn' };
    const { stdout, stderr } = await run(process.execPath, [v.file], { cwd: app, env });
    // Nothing reported: the version is a tested one, and its exports are recognised.
    expect(stderr).toBe('');
    const out = JSON.parse(stdout) as { traceId: string; version: string };
    expect(out.version).toBe(version);
    const spans = receiver.spans().filter((s) => s.traceId === out.traceId);
    const session = spans.find((s) => s.parentSpanId === undefined);
    expect(session?.name).toMatch(/-session$/);
    const llm = llmSpans(spans).sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(llm.map((s) => s.name)).toEqual(v.expected);
    for (const s of llm) {
      expect(s.parentSpanId).toBe(session!.spanId);
      expect(s.attributes['gen_ai.provider.name']).toBe('aws.bedrock');
      expect(s.attributes['gen_ai.response.id']).toEqual(expect.any(String));
      expect(s.attributes['gen_ai.usage.output_tokens']).toEqual(expect.any(Number));
    }
  });
});
