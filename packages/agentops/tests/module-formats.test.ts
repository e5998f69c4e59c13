/**
 * Acceptance (issue: LLM client instrumentation, "how it hooks in"): the built package (`dist/`, as
 * `npm test` builds it first, loaded through its own name) instruments the real clients the same
 * way from an ES module and from CommonJS: classes handed to `init()`, `require` auto-patching
 * (clients required before or after `init()`), ESM auto-patching under `--import agentops/hook`,
 * and `instrument: false`. Each variant is a child process; its spans arrive at a loopback OTLP
 * receiver in this process.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { llmSpans } from './helpers/instrumented-run';
import { LlmStub } from '../../../testing/llm-stub';
import { OtlpReceiver } from '../../../testing/otlp-receiver';

const root = join(__dirname, '..');

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

const VARIANTS: Variant[] = [
  { label: 'ESM, classes passed to init()', args: [ESM], mode: 'explicit', expected: ['chat gpt-4o-mini', 'chat gpt-4o-mini'], nativeAnthropic: 0 },
  { label: 'ESM, auto-patched under --import agentops/hook', args: ['--import', 'agentops/hook', ESM], mode: 'auto', expected: ['chat gpt-4o-mini', 'chat gpt-4o-mini'], nativeAnthropic: 0 },
  // Without the hook an ES module cannot be seen, which is why the hook exists.
  { label: 'ESM, no hook and no classes: nothing patched', args: [ESM], mode: 'auto', expected: [], nativeAnthropic: 0 },
  { label: 'CJS, clients required after init()', args: [CJS], mode: 'after', expected: ['chat claude-haiku-4-5', 'chat gpt-4o-mini'], nativeAnthropic: 0 },
  { label: 'CJS, clients required before init()', args: [CJS], mode: 'before', expected: ['chat claude-haiku-4-5', 'chat gpt-4o-mini'], nativeAnthropic: 0 },
  { label: 'CJS, instrument: false', args: [CJS], mode: 'off', expected: [], nativeAnthropic: 1 },
];

function runNode(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...SDK_ENV_CLEAR, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the built package from ES modules and CommonJS', () => {
  let stub: LlmStub;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    [stub, receiver] = await Promise.all([LlmStub.start(), OtlpReceiver.start()]);
  });

  afterAll(async () => {
    await Promise.all([stub.close(), receiver.close()]);
  });

  it.each(VARIANTS)('$label', async (v) => {
    const out = await runNode(v.args, { STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, FIXTURE_MODE: v.mode, NODE_OPTIONS: undefined });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
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
});
