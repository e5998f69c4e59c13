/**
 * Acceptance (how instrumentation hooks in; no flag under ES modules): the built package (`dist/`,
 * as `npm test` builds it first, loaded through its own name) instruments the real OpenAI and
 * Anthropic clients the same way from an ES module and from CommonJS: classes handed to `init()`; a
 * plain `init()` with no flag, the clients imported statically before it or with `import()` after
 * it (ES module), or required before or after it (CommonJS); `--import agentops/hook`; and
 * `instrument: false`. Each call is exactly one LLM span. Each variant is a child process; its spans
 * arrive at a loopback OTLP receiver in this process.
 */
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { llmSpans } from './helpers/instrumented-run';
import { LlmStub } from '../../../testing/llm-stub';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { runNode } from './helpers/run-node';

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
