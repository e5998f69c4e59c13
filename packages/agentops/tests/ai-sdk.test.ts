/**
 * Acceptance (issue: LLM client instrumentation, Vercel AI SDK; current majors): the real `ai`
 * package, 7 (current), 6 and 5, with its OpenAI provider against the loopback stub. The AI SDK 7 is
 * recorded through `@ai-sdk/otel`, with no option on the call; the AI SDK 6 and 5 with
 * `experimental_telemetry: aiSdkTelemetry()`. Either way its spans go through the agentops provider
 * into the active session, with the GenAI attributes; content follows the capture setting; and an
 * instrumented OpenAI client called inside an AI SDK model call records no second LLM span, so the
 * session's totals and the metrics count the call once.
 */
import { createOpenAI as createOpenAI7 } from '@ai-sdk/openai';
import * as otel from '@ai-sdk/otel';
import * as ai7 from 'ai';
import * as ai5 from 'ai-v5';
import * as ai6 from 'ai-v6';
import { createOpenAI as createOpenAI5 } from 'ai-sdk-openai-v2';
import { createOpenAI as createOpenAI6 } from 'ai-sdk-openai-v3';
import OpenAI from 'openai';
import { z } from 'zod/v4';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import * as agentops from '../src';
import { CaptureLogger } from '../../../testing/capture-logger';
import { openaiError } from '../../../testing/llm-stub';
import { allText, InstrumentedRun, json, llmSpans, metric, only, SpanKindCode, StatusCode } from './helpers/instrumented-run';

type Options = Record<string, unknown>;

/** The parts of the `ai` package the tests call, as both majors have them. */
interface AiSdk {
  generateText(options: Options): Promise<{ text: string }>;
  streamText(options: Options): { textStream: AsyncIterable<string> };
  embed(options: Options): Promise<unknown>;
  stepCountIs(n: number): unknown;
  tool(definition: Options): unknown;
}

type Provider = ((modelId: string) => unknown) & { chat(modelId: string): unknown; embedding(modelId: string): unknown };

interface AiSdkVersion {
  label: string;
  ai: AiSdk;
  createOpenAI(options: { baseURL: string; apiKey: string }): Provider;
  /** What `init()` is handed (in an application the AI SDK 7's `@ai-sdk/otel` is found without it). */
  instrument: agentops.InstrumentOptions;
  /** The options of a call that agentops records. */
  recorded(options?: agentops.AiSdkTelemetryOptions): Options;
  /** The options of a call that the AI SDK records nothing of. */
  unrecorded: Options;
  /** Span names: `call` is that of a generateText() call whose functionId is `weather-bot`. */
  names: { call: string; model: string; stream: string; embed: string; tool: string };
  /** Whether each model call sits in a step span of the call (`@ai-sdk/otel`) rather than directly under it. */
  steps: boolean;
  /** Where the call's span carries its `functionId`. */
  functionIdKey: string;
  /** The finish reason of a model call that asked for tools, in its output messages. */
  toolCallsFinish: string;
  /** The provider interface this major takes. */
  modelSpec: 'v2' | 'v3';
}

type ModelCall = () => Promise<{ text: string; input: number; output: number }>;

/**
 * A language model of the provider interface a major takes (`v3`: the AI SDK 6 and 7; `v2`: the AI
 * SDK 5) whose calls return what `call` gives.
 */
function customModel(specificationVersion: 'v2' | 'v3', call: ModelCall): unknown {
  return {
    specificationVersion,
    provider: 'custom',
    modelId: 'gpt-4o-mini',
    supportedUrls: {},
    async doGenerate() {
      const r = await call();
      const content = [{ type: 'text', text: r.text }];
      // v3 details the finish reason and the token counts; v2 gives them plainly.
      return specificationVersion === 'v3'
        ? {
            content,
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: { inputTokens: { total: r.input, noCache: r.input, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: r.output, text: r.output, reasoning: 0 } },
            warnings: [],
          }
        : { content, finishReason: 'stop', usage: { inputTokens: r.input, outputTokens: r.output, totalTokens: r.input + r.output }, warnings: [] };
    },
    async doStream() {
      throw new Error('not used');
    },
  };
}

/** The AI SDK 5 and 6: their own `ai.*` spans, recorded with `experimental_telemetry: aiSdkTelemetry()`. */
function aiSpans(label: string, ai: unknown, createOpenAI: unknown, modelSpec: 'v2' | 'v3'): AiSdkVersion {
  return {
    label: `${label}, with experimental_telemetry`,
    ai: ai as AiSdk,
    createOpenAI: createOpenAI as AiSdkVersion['createOpenAI'],
    instrument: {},
    recorded: (options) => ({ experimental_telemetry: agentops.aiSdkTelemetry(options) }),
    unrecorded: {},
    names: { call: 'ai.generateText', model: 'ai.generateText.doGenerate', stream: 'ai.streamText.doStream', embed: 'ai.embed.doEmbed', tool: 'ai.toolCall' },
    steps: false,
    functionIdKey: 'ai.telemetry.functionId',
    toolCallsFinish: 'tool-calls',
    modelSpec,
  };
}

const VERSIONS: AiSdkVersion[] = [
  {
    label: 'ai 7, through @ai-sdk/otel',
    ai: ai7 as unknown as AiSdk,
    createOpenAI: createOpenAI7 as unknown as AiSdkVersion['createOpenAI'],
    instrument: { aiSdk: otel },
    // Nothing on the call: aiSdkTelemetry() only names the function there.
    recorded: (options) => (options === undefined ? {} : { telemetry: agentops.aiSdkTelemetry(options) }),
    unrecorded: { telemetry: { isEnabled: false } },
    names: { call: 'invoke_agent weather-bot', model: 'chat gpt-4o-mini', stream: 'chat gpt-4o-mini', embed: 'embeddings text-embedding-3-small', tool: 'execute_tool get_weather' },
    steps: true,
    functionIdKey: 'gen_ai.agent.name',
    toolCallsFinish: 'tool_call',
    modelSpec: 'v3',
  },
  aiSpans('ai 6', ai6, createOpenAI6, 'v3'),
  aiSpans('ai 5', ai5, createOpenAI5, 'v2'),
];

describe.each(VERSIONS)('Vercel AI SDK telemetry: $label', (v) => {
  let run: InstrumentedRun;
  const weatherTool = v.ai.tool({
    description: 'Current weather',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }: { city: string }) => ({ city, sky: 'sunny' }),
  });

  /** The span the model calls of `call` hang from: the call's own, or its step spans. */
  function expectModelCallOf(span: DecodedSpan, call: DecodedSpan, spans: DecodedSpan[]): void {
    if (!v.steps) {
      expect(span.parentSpanId).toBe(call.spanId);
      return;
    }
    const step = only(spans.filter((s) => s.spanId === span.parentSpanId));
    expect(step.name).toMatch(/^step \d+$/);
    expect(step.parentSpanId).toBe(call.spanId);
  }

  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });

  afterEach(async () => {
    await run.close();
  });

  it('lands a generateText tool loop inside the session: model calls become LLM spans, the tool call a tool span', async () => {
    run.init({ instrument: v.instrument });
    const provider = v.createOpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    let text = '';
    const { session, spans } = await run.inSession(async () => {
      const r = await v.ai.generateText({
        model: provider.chat('gpt-4o-mini'),
        prompt: 'Weather in Paris?',
        tools: { get_weather: weatherTool },
        stopWhen: v.ai.stepCountIs(3),
        ...v.recorded({ functionId: 'weather-bot' }),
      });
      text = r.text;
    });
    expect(text).toBe('You said: Weather in Paris?');
    const root = spans.find((s) => s.name === 'agent')!;
    for (const s of spans) expect(s.traceId).toBe(session.traceId);
    const outer = only(spans.filter((s) => s.name === v.names.call));
    expect(outer.parentSpanId).toBe(root.spanId);
    expect(outer.attributes[v.functionIdKey]).toBe('weather-bot');

    const calls = llmSpans(spans).sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(calls.map((s) => s.name)).toEqual([v.names.model, v.names.model]);
    for (const c of calls) {
      expectModelCallOf(c, outer, spans);
      expect(c.kind).toBe(SpanKindCode.CLIENT);
      expect(c.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2025-01-01',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 7,
      });
      expect(c.attributes['agentops.llm.cost_usd']).toBeCloseTo((12 * 0.15 + 7 * 0.6) / 1e6, 12);
    }
    expect(json(calls[0]!.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
    expect(json(calls[0]!.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_stub_1', name: 'get_weather', arguments: { city: 'Weather in Paris?' } }], finish_reason: v.toolCallsFinish },
    ]);
    // The second call sees the tool call and its result in the conversation.
    expect(json(calls[1]!.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_stub_1', name: 'get_weather', arguments: { city: 'Weather in Paris?' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_stub_1', response: { city: 'Weather in Paris?', sky: 'sunny' } }] },
    ]);

    const toolSpan = only(spans.filter((s) => s.name === v.names.tool));
    expectModelCallOf(toolSpan, outer, spans);
    expect(toolSpan.attributes).toMatchObject({
      'agentops.event.type': 'tool',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.call.id': 'call_stub_1',
      'gen_ai.tool.call.arguments': '{"city":"Weather in Paris?"}',
      'gen_ai.tool.call.result': '{"city":"Weather in Paris?","sky":"sunny"}',
    });
    // The session counts two model calls and one tool call.
    expect(root.attributes).toMatchObject({ 'agentops.session.llm_calls': 2, 'agentops.session.tool_calls': 1, 'agentops.session.input_tokens': 24, 'agentops.session.output_tokens': 14 });
  });

  it('records streamText (Responses API) with time to first chunk, and embed as one embeddings call', async () => {
    run.init({ instrument: v.instrument });
    const provider = v.createOpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    let streamed = '';
    const { spans } = await run.inSession(async () => {
      const s = v.ai.streamText({ model: provider('gpt-4o-mini'), prompt: 'stream this', ...v.recorded() });
      for await (const part of s.textStream) streamed += part;
      await v.ai.embed({ model: provider.embedding('text-embedding-3-small'), value: 'hello', ...v.recorded() });
    });
    expect(streamed).toBe('You said: stream this');
    const doStream = only(llmSpans(spans).filter((s) => s.name === v.names.stream));
    expect(doStream.kind).toBe(SpanKindCode.CLIENT);
    expect(doStream.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    expect(json(doStream.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'You said: stream this' }], finish_reason: 'stop' }]);
    const doEmbed = only(llmSpans(spans).filter((s) => s.name === v.names.embed));
    expect(doEmbed.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 5, 'agentops.event.type': 'llm' });
    // One call each: the embed() call's own span (the AI SDK 7's, around its model call) is not a second one.
    expect(llmSpans(spans)).toHaveLength(2);
    expect(spans.find((s) => s.name === 'agent')!.attributes['agentops.session.llm_calls']).toBe(2);
  });

  it('records no prompt, response, tool definition, argument or result when content capture is off', async () => {
    run.init({ captureContent: false, instrument: v.instrument });
    const provider = v.createOpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    const { spans } = await run.inSession(async () => {
      await v.ai.generateText({
        model: provider.chat('gpt-4o-mini'),
        system: 'secret instructions',
        prompt: 'secret question',
        tools: { get_weather: weatherTool },
        stopWhen: v.ai.stepCountIs(3),
        ...v.recorded(),
      });
    });
    expect(llmSpans(spans)).toHaveLength(2);
    const text = allText(spans);
    for (const secret of ['secret question', 'secret instructions', 'Current weather', 'sunny', 'You said']) expect(text).not.toContain(secret);
    expect(only(spans.filter((s) => s.name === v.names.tool)).attributes['gen_ai.tool.name']).toBe('get_weather');
  });

  it('redacts captured content: a key in the prompt never reaches a span', async () => {
    run.init({ instrument: v.instrument });
    const provider = v.createOpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    const key = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const { spans } = await run.inSession(async () => {
      await v.ai.generateText({ model: provider.chat('gpt-4o-mini'), prompt: `my key is ${key}`, ...v.recorded() });
    });
    expect(allText(spans)).not.toContain(key);
    const llm = only(llmSpans(spans));
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'my key is <redacted:openai-key>' }] }]);
  });

  describe('an instrumented OpenAI client inside an AI SDK model call', () => {
    function clientModel(client: OpenAI): unknown {
      // A "bring your own client" provider: the AI SDK model call is made with the openai package.
      return customModel(v.modelSpec, async () => {
        const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'inner' }] });
        return { text: res.choices[0]?.message.content ?? '', input: res.usage!.prompt_tokens, output: res.usage!.completion_tokens };
      });
    }

    it.each([
      ['recorded by the AI SDK: its model span is the one LLM span, the client records none', true, 'custom'],
      ['not recorded by the AI SDK: the client span is the one LLM span', false, 'openai'],
    ])('%s; the session and the metrics count the call once', async (_label, recorded, provider) => {
      run.init({ instrument: { ...v.instrument, openai: OpenAI } });
      const client = new OpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test', maxRetries: 0 });
      let text = '';
      const { spans } = await run.inSession(async () => {
        const r = await v.ai.generateText({ model: clientModel(client), prompt: 'outer', ...(recorded ? v.recorded() : v.unrecorded) });
        text = r.text;
      });
      expect(text).toBe('You said: inner');
      expect(run.stub.requests).toHaveLength(1);
      // Exactly one span carries the call's tokens and cost.
      const llm = only(llmSpans(spans));
      expect(llm.name).toBe(recorded ? v.names.model : 'chat gpt-4o-mini');
      expect(llm.attributes).toMatchObject({ 'gen_ai.provider.name': provider, 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 7 });
      const cost = (12 * 0.15 + 7 * 0.6) / 1e6;
      expect(llm.attributes['agentops.llm.cost_usd']).toBeCloseTo(cost, 12);
      expect(spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat')).toEqual([llm]);
      expect(spans.find((s) => s.name === 'agent')!.attributes).toMatchObject({
        'agentops.session.llm_calls': 1,
        'agentops.session.input_tokens': 12,
        'agentops.session.output_tokens': 7,
        'agentops.session.cost_usd': expect.closeTo(cost, 12),
      });
      const metrics = run.receiver.metrics();
      const tokens = metric(metrics, 'gen_ai.client.token.usage').points;
      expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.count, p.sum]).sort()).toEqual([
        ['input', 1, 12],
        ['output', 1, 7],
      ]);
      expect(metric(metrics, 'gen_ai.client.operation.duration').points.map((p) => p.count)).toEqual([1]);
      expect(metric(metrics, 'agentops.llm.cost').points.map((p) => p.value)).toEqual([expect.closeTo(cost, 12)]);
    });
  });

  it('marks a failed model call ERROR with error.type and an exception event; the caller gets the provider error', async () => {
    run.init({ instrument: v.instrument });
    run.stub.enqueue(openaiError(500, 'The server had an error', 'server_error'));
    const provider = v.createOpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    let thrown: unknown;
    const { spans } = await run.inSession(async () => {
      thrown = await v.ai.generateText({ model: provider.chat('gpt-4o-mini'), prompt: 'fail', maxRetries: 0, ...v.recorded() }).then(
        () => undefined,
        (err: unknown) => err,
      );
    });
    expect((thrown as { statusCode?: number }).statusCode).toBe(500);
    const llm = only(llmSpans(spans));
    expect(llm.name).toBe(v.names.model);
    expect(llm.status.code).toBe(StatusCode.ERROR);
    expect(llm.attributes['error.type']).toEqual(expect.any(String));
    expect(only(llm.events.filter((e) => e.name === 'exception')).attributes['exception.message']).toContain('The server had an error');
  });

  it('is disabled before init(): the AI SDK records nothing and runs as usual', () => {
    expect(agentops.aiSdkTelemetry()).toEqual({ isEnabled: false });
  });
});

describe('the AI SDK 7 integration', () => {
  let run: InstrumentedRun;

  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });

  afterEach(async () => {
    await run.close();
  });

  it('ignores the AI SDK 6, which reads the same list of integrations, in the same process', async () => {
    run.init({ instrument: { aiSdk: otel } });
    const provider6 = createOpenAI6({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    const provider7 = createOpenAI7({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    const { spans } = await run.inSession(async () => {
      await ai6.generateText({ model: provider6.chat('gpt-4o-mini'), prompt: 'six', experimental_telemetry: agentops.aiSdkTelemetry() });
      await ai6.generateText({ model: provider6.chat('gpt-4o-mini'), prompt: 'six, unrecorded' });
      await ai7.generateText({ model: provider7.chat('gpt-4o-mini'), prompt: 'seven' });
    });
    expect(llmSpans(spans).map((s) => s.name).sort()).toEqual(['ai.generateText.doGenerate', 'chat gpt-4o-mini']);
    expect(spans.map((s) => s.name).sort()).toEqual(['agent', 'ai.generateText', 'ai.generateText.doGenerate', 'chat gpt-4o-mini', 'invoke_agent gpt-4o-mini', 'step 1']);
  });

  it('is taken out of the AI SDK 7 at shutdown(): its calls are no longer recorded, and run as usual', async () => {
    run.init({ instrument: { aiSdk: otel } });
    const registry = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS;
    expect(registry).toHaveLength(1);
    agentops.instrument(otel);
    expect(registry).toHaveLength(1);
    await agentops.shutdown(1000);
    expect(registry).toHaveLength(0);
    const provider = createOpenAI7({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    const r = await ai7.generateText({ model: provider.chat('gpt-4o-mini'), prompt: 'after' });
    expect(r.text).toBe('You said: after');
  });

  it('warns once when the application registered an @ai-sdk/otel integration of its own, which records each call too', async () => {
    const logger = new CaptureLogger();
    run.init({ instrument: { aiSdk: otel }, logger, logLevel: 'warn' });
    const own = new otel.OpenTelemetry();
    ai7.registerTelemetry(own);
    try {
      const provider = createOpenAI7({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
      await run.inSession(async () => {
        await ai7.generateText({ model: provider.chat('gpt-4o-mini'), prompt: 'one' });
        await ai7.generateText({ model: provider.chat('gpt-4o-mini'), prompt: 'two' });
      });
      expect(logger.matching(/an @ai-sdk\/otel OpenTelemetry integration registered with registerTelemetry\(\) records each AI SDK call/)).toHaveLength(1);
    } finally {
      const registry = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS!;
      registry.splice(registry.indexOf(own), 1);
    }
  });
});
