/**
 * Acceptance (no flag under ES modules; a library is never silently unrecorded): how `init()` finds
 * the supported libraries an application loads, in child processes of apps made in a temporary
 * folder, with the built package:
 * - an ES module app that does not declare `openai` in its package.json (a dependency of a
 *   dependency) and imports it with `import()` after `init()`: patched through the loader hook
 *   `init()` registers, with no flag;
 * - a library at a major outside the tested ones is patched and reported once, by name and version;
 * - a library whose exports agentops does not recognise is reported once, by name and version;
 * from CommonJS and from an ES module;
 * - the AI SDK 7 installed without `@ai-sdk/otel`, through which its calls are recorded, is reported
 *   once.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { LlmStub } from '../../../testing/llm-stub';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { llmSpans } from './helpers/instrumented-run';

const run = promisify(execFile);
const repo = path.join(__dirname, '..', '..', '..');

/** An OpenAI-shaped library (the resource class the integration patches), under a version of our choosing. */
const FAKE_OPENAI_CJS = `
class Completions {
  create(body) { return Promise.resolve({ id: 'chatcmpl-fake', model: body.model, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hi' } }], usage: { prompt_tokens: 3, completion_tokens: 1 } }); }
}
class Chat {}
Chat.Completions = Completions;
class OpenAI { constructor() { this.chat = { completions: new Completions() }; } }
OpenAI.Chat = Chat;
module.exports = OpenAI;
module.exports.default = OpenAI;
module.exports.OpenAI = OpenAI;
`;

const APP_CJS = `
const agentops = require('agentops');
agentops.init({ autoStartSession: false });
const OpenAI = require('openai');
require('@anthropic-ai/sdk');
const session = agentops.startSession({ name: 'fake' });
session.run(() => new OpenAI().chat.completions.create({ model: 'gpt-4o-mini', messages: [] })).then(() => {
  session.end();
  return agentops.shutdown();
}).then(() => process.stdout.write(JSON.stringify({ traceId: session.traceId })));
`;

const APP_ESM = `
import OpenAI from 'openai';
import '@anthropic-ai/sdk';
import * as agentops from 'agentops';
agentops.init({ autoStartSession: false });
const session = agentops.startSession({ name: 'fake' });
await session.run(() => new OpenAI().chat.completions.create({ model: 'gpt-4o-mini', messages: [] }));
session.end();
await agentops.shutdown();
process.stdout.write(JSON.stringify({ traceId: session.traceId }));
`;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

describe('finding the libraries an application loads', () => {
  let work: string;
  let receiver: OtlpReceiver;
  let stub: LlmStub;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'agentops-loading-'));
    [receiver, stub] = await Promise.all([OtlpReceiver.start(), LlmStub.start()]);
  });

  afterAll(async () => {
    await Promise.all([receiver.close(), stub.close()]);
    rmSync(work, { recursive: true, force: true });
  });

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url, STUB_URL: stub.url, AGENTOPS_LOG_LEVEL: 'warn' });

  it('an ES module app that does not declare openai, importing it after init(): patched through the loader hook, with no flag', async () => {
    const app = path.join(work, 'undeclared');
    write(path.join(app, 'package.json'), JSON.stringify({ name: 'undeclared', private: true, type: 'module' }));
    // The repository's packages, as an installed app would see them; nothing declares openai.
    symlinkSync(path.join(repo, 'node_modules'), path.join(app, 'node_modules'), 'dir');
    copyFileSync(path.join(__dirname, 'fixtures', 'esm-import-later.mjs'), path.join(app, 'app.mjs'));
    copyFileSync(path.join(__dirname, 'fixtures', 'llm-calls.mjs'), path.join(app, 'llm-calls.mjs'));
    const { stdout, stderr } = await run(process.execPath, ['app.mjs'], { cwd: app, env: env() });
    expect(stderr).toBe('');
    const { traceId } = JSON.parse(stdout) as { traceId: string };
    const llm = llmSpans(receiver.spans().filter((s) => s.traceId === traceId));
    expect(llm.map((s) => s.name).sort()).toEqual(['chat claude-haiku-4-5', 'chat claude-haiku-4-5', 'chat gpt-4o-mini', 'chat gpt-4o-mini']);
  });

  it.each([
    ['CommonJS', 'app.cjs', APP_CJS],
    ['an ES module', 'app.mjs', APP_ESM],
  ])('from %s: an untested major is patched and reported once; unrecognised exports are reported once', async (_label, file, code) => {
    const app = path.join(work, `fake-${file}`);
    write(path.join(app, 'package.json'), JSON.stringify({ name: 'fake-app', private: true, dependencies: { openai: '*', '@anthropic-ai/sdk': '*' } }));
    write(path.join(app, 'node_modules', 'openai', 'package.json'), JSON.stringify({ name: 'openai', version: '99.1.0', main: 'index.js' }));
    write(path.join(app, 'node_modules', 'openai', 'index.js'), FAKE_OPENAI_CJS);
    write(path.join(app, 'node_modules', '@anthropic-ai', 'sdk', 'package.json'), JSON.stringify({ name: '@anthropic-ai/sdk', version: '1.5.0', main: 'index.js' }));
    write(path.join(app, 'node_modules', '@anthropic-ai', 'sdk', 'index.js'), 'module.exports = { something: "else" };\n');
    symlinkSync(path.join(repo, 'packages', 'agentops'), path.join(app, 'node_modules', 'agentops'), 'dir');
    write(path.join(app, file), code);
    const { stdout, stderr } = await run(process.execPath, [file], { cwd: app, env: env() });
    const { traceId } = JSON.parse(stdout) as { traceId: string };
    // Patched all the same: its call is one LLM span.
    expect(llmSpans(receiver.spans().filter((s) => s.traceId === traceId)).map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
    const lines = stderr.trim().split('\n');
    expect(lines.filter((l) => l.includes('openai 99.1.0 is outside the versions agentops is tested with (4 to 7): it is patched'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('@anthropic-ai/sdk 1.5.0 is loaded, but agentops does not recognise what it exports: its calls are not recorded'))).toHaveLength(1);
    expect(lines).toHaveLength(2);
  });

  it('the AI SDK 7 installed without @ai-sdk/otel is reported once: its calls cannot be recorded', async () => {
    const app = path.join(work, 'ai-without-otel');
    write(path.join(app, 'package.json'), JSON.stringify({ name: 'ai-app', private: true, type: 'module', dependencies: { ai: '^7' } }));
    write(path.join(app, 'node_modules', 'ai', 'package.json'), JSON.stringify({ name: 'ai', version: '7.0.1', type: 'module', exports: { '.': './index.js' } }));
    write(path.join(app, 'node_modules', 'ai', 'index.js'), 'export function generateText() {}\n');
    symlinkSync(path.join(repo, 'packages', 'agentops'), path.join(app, 'node_modules', 'agentops'), 'dir');
    write(path.join(app, 'app.mjs'), "import * as agentops from 'agentops';\nagentops.init({ autoStartSession: false });\nawait agentops.shutdown();\n");
    const { stderr } = await run(process.execPath, ['app.mjs'], { cwd: app, env: env() });
    const lines = stderr.trim().split('\n');
    expect(lines.filter((l) => l.includes('ai 7.0.1 is installed without @ai-sdk/otel, through which agentops records its calls: they are not recorded'))).toHaveLength(1);
    expect(lines).toHaveLength(1);
  });
});

