/**
 * Acceptance (LangChain and LangGraph, no flag, no handler passed): the built package (`dist/`, as
 * `npm test` builds it first) records a ReAct agent, a plain LCEL chain and a retriever the same way
 * from an ES module (static imports before a plain init()) and from CommonJS (required after or
 * before it): the agent span holds its two `chat` spans, whose tokens are the stub's, once (the
 * `openai` client underneath is patched too and records nothing of its own), and the tool span;
 * the chain and the retriever have their spans. Each variant is a child process; its spans arrive
 * at a loopback OTLP receiver in this process.
 */
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { LlmStub } from '../../../testing/llm-stub';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { llmSpans, only } from './helpers/instrumented-run';
import { isBelow, scriptAgent, USAGE } from './helpers/langchain-app';
import { runNode } from './helpers/run-node';

const VARIANTS = [
  { label: 'ESM, static imports before a plain init()', file: 'tests/fixtures/langchain-esm.mjs', mode: 'auto' },
  { label: 'CJS, required after a plain init()', file: 'tests/fixtures/langchain-cjs.cjs', mode: 'after' },
  { label: 'CJS, required before a plain init()', file: 'tests/fixtures/langchain-cjs.cjs', mode: 'before' },
];

describe('LangChain and LangGraph from ES modules and CommonJS, the built package', () => {
  let stub: LlmStub;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    [stub, receiver] = await Promise.all([LlmStub.start(), OtlpReceiver.start()]);
  });

  afterAll(async () => {
    await Promise.all([stub.close(), receiver.close()]);
  });

  it.each(VARIANTS)('$label', async (v) => {
    scriptAgent(stub);
    const out = await runNode([v.file], { STUB_URL: stub.url, OTLP_EXPORTER_ENDPOINT: receiver.url, FIXTURE_MODE: v.mode, NODE_OPTIONS: undefined });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const { traceId, answer } = JSON.parse(out.stdout) as { traceId: string; answer: string };
    expect(answer).toBe('It is sunny in Paris. secret-answer');
    const spans: DecodedSpan[] = receiver.spans().filter((s) => s.traceId === traceId);
    const session = only(spans.filter((s) => s.parentSpanId === undefined), 'session span');
    const agent = only(spans.filter((s) => s.name === 'invoke_agent weather_agent'), 'agent span');
    expect(agent.parentSpanId).toBe(session.spanId);
    // Three model calls (two by the agent, one by the chain), each one span, the framework's.
    const llm = llmSpans(spans);
    expect(llm.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini', 'chat gpt-4o-mini']);
    for (const s of llm) expect(s.attributes['agentops.framework']).toBe('langchain');
    const inAgent = llm.filter((s) => isBelow(s, agent, spans));
    expect(inAgent).toHaveLength(2);
    expect(inAgent.reduce((n, s) => n + (s.attributes['gen_ai.usage.input_tokens'] as number), 0)).toBe(USAGE[0]!.prompt + USAGE[1]!.prompt);
    expect(inAgent.reduce((n, s) => n + (s.attributes['gen_ai.usage.output_tokens'] as number), 0)).toBe(USAGE[0]!.completion + USAGE[1]!.completion);
    expect(isBelow(only(spans.filter((s) => s.name === 'execute_tool get_weather'), 'tool span'), agent, spans)).toBe(true);
    const chain = only(spans.filter((s) => s.name === 'RunnableSequence'), 'chain span');
    expect(chain.parentSpanId).toBe(session.spanId);
    expect(llm.filter((s) => s.parentSpanId === chain.spanId)).toHaveLength(1);
    const retrieval = only(spans.filter((s) => s.name === 'retrieval DocsRetriever'), 'retrieval span');
    expect(retrieval.attributes['agentops.retrieval.documents']).toBe(2);
    expect(session.attributes['agentops.session.llm_calls']).toBe(3);
  });
});
