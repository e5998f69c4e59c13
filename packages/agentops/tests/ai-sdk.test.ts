/**
 * Acceptance (issue: LLM client instrumentation, Vercel AI SDK): with `aiSdkTelemetry()`, the real
 * `ai` package's spans (here with `@ai-sdk/openai` against the loopback stub) go through the
 * agentops provider into the active session, keep their `ai.*` names and attributes and gain the
 * GenAI ones; content follows the capture setting; an instrumented OpenAI client called inside an
 * AI SDK model call records no second LLM span.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { embed, generateText, stepCountIs, streamText, tool, type LanguageModel } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod/v4';
import * as agentops from '../src';
import { allText, InstrumentedRun, json, llmSpans, only, SpanKindCode } from './helpers/instrumented-run';

const weatherTool = tool({
  description: 'Current weather',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: 'sunny' }),
});

describe('Vercel AI SDK telemetry', () => {
  let run: InstrumentedRun;

  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });

  afterEach(async () => {
    await run.close();
  });


  it('lands a generateText tool loop inside the session: model calls become LLM spans, the tool call a tool span', async () => {
    run.init();
    const provider = createOpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    let text = '';
    const { session, spans } = await run.inSession(async () => {
      const r = await generateText({
        model: provider.chat('gpt-4o-mini'),
        prompt: 'Weather in Paris?',
        tools: { get_weather: weatherTool },
        stopWhen: stepCountIs(3),
        experimental_telemetry: agentops.aiSdkTelemetry({ functionId: 'weather-bot' }),
      });
      text = r.text;
    });
    expect(text).toBe('You said: Weather in Paris?');
    const root = spans.find((s) => s.name === 'agent')!;
    for (const s of spans) expect(s.traceId).toBe(session.traceId);
    const outer = only(spans.filter((s) => s.name === 'ai.generateText'));
    expect(outer.parentSpanId).toBe(root.spanId);
    expect(outer.attributes['ai.telemetry.functionId']).toBe('weather-bot');

    const calls = llmSpans(spans).sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(calls.map((s) => s.name)).toEqual(['ai.generateText.doGenerate', 'ai.generateText.doGenerate']);
    for (const c of calls) {
      expect(c.parentSpanId).toBe(outer.spanId);
      expect(c.kind).toBe(SpanKindCode.CLIENT);
      expect(c.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2025-01-01',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 7,
        'ai.model.provider': 'openai.chat',
      });
      expect(c.attributes['agentops.llm.cost_usd']).toBeCloseTo((12 * 0.15 + 7 * 0.6) / 1e6, 12);
    }
    expect(json(calls[0]!.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
    expect(json(calls[0]!.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_stub_1', name: 'get_weather', arguments: { city: 'Weather in Paris?' } }], finish_reason: 'tool-calls' },
    ]);
    // The second call sees the tool call and its result in the conversation.
    expect(json(calls[1]!.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_stub_1', name: 'get_weather', arguments: { city: 'Weather in Paris?' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_stub_1', response: { city: 'Weather in Paris?', sky: 'sunny' } }] },
    ]);

    const toolSpan = only(spans.filter((s) => s.name === 'ai.toolCall'));
    expect(toolSpan.parentSpanId).toBe(outer.spanId);
    expect(toolSpan.attributes).toMatchObject({
      'agentops.event.type': 'tool',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.call.id': 'call_stub_1',
      'gen_ai.tool.call.arguments': '{"city":"Weather in Paris?"}',
      'gen_ai.tool.call.result': '{"city":"Weather in Paris?","sky":"sunny"}',
    });
  });

  it('records streamText (Responses API) with time to first chunk, and embed as an embeddings call', async () => {
    run.init();
    const provider = createOpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    let streamed = '';
    const { spans } = await run.inSession(async () => {
      const s = streamText({ model: provider('gpt-4o-mini'), prompt: 'stream this', experimental_telemetry: agentops.aiSdkTelemetry() });
      for await (const part of s.textStream) streamed += part;
      await embed({ model: provider.embedding('text-embedding-3-small'), value: 'hello', experimental_telemetry: agentops.aiSdkTelemetry() });
    });
    expect(streamed).toBe('You said: stream this');
    const doStream = only(spans.filter((s) => s.name === 'ai.streamText.doStream'));
    expect(doStream.kind).toBe(SpanKindCode.CLIENT);
    expect(doStream.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    expect(json(doStream.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'You said: stream this' }], finish_reason: 'stop' }]);
    const doEmbed = only(spans.filter((s) => s.name === 'ai.embed.doEmbed'));
    expect(doEmbed.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 5, 'agentops.event.type': 'llm' });
  });

  it('records no prompt, response, tool argument or result when content capture is off', async () => {
    run.init({ captureContent: false });
    const provider = createOpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    const { spans } = await run.inSession(async () => {
      await generateText({
        model: provider.chat('gpt-4o-mini'),
        prompt: 'secret question',
        tools: { get_weather: weatherTool },
        stopWhen: stepCountIs(3),
        experimental_telemetry: agentops.aiSdkTelemetry(),
      });
    });
    expect(llmSpans(spans)).toHaveLength(2);
    const text = allText(spans);
    for (const secret of ['secret question', 'sunny', 'You said']) expect(text).not.toContain(secret);
    expect(only(spans.filter((s) => s.name === 'ai.toolCall')).attributes['gen_ai.tool.name']).toBe('get_weather');
  });

  describe('an instrumented OpenAI client inside an AI SDK model call', () => {
    function customModel(client: OpenAI): LanguageModel {
      // A "bring your own client" provider: the AI SDK model call is made with the openai package.
      return {
        specificationVersion: 'v3',
        provider: 'custom.openai',
        modelId: 'gpt-4o-mini',
        supportedUrls: {},
        async doGenerate() {
          const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'inner' }] });
          return {
            content: [{ type: 'text', text: res.choices[0]?.message.content ?? '' }],
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: { inputTokens: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 7, text: 7, reasoning: 0 } },
            warnings: [],
          };
        },
        async doStream() {
          throw new Error('not used');
        },
      };
    }

    it.each([
      ['with AI SDK telemetry: only the AI SDK model span', true, ['ai.generateText.doGenerate']],
      ['without it: the client span', false, ['chat gpt-4o-mini']],
    ])('%s', async (_label, telemetry, expected) => {
      run.init({ instrument: { openai: OpenAI } });
      const client = new OpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test', maxRetries: 0 });
      let text = '';
      const { spans } = await run.inSession(async () => {
        const r = await generateText({ model: customModel(client), prompt: 'outer', experimental_telemetry: telemetry ? agentops.aiSdkTelemetry() : undefined });
        text = r.text;
      });
      expect(text).toBe('You said: inner');
      expect(run.stub.requests).toHaveLength(1);
      expect(llmSpans(spans).map((s) => s.name)).toEqual(expected);
    });
  });

  it('is disabled before init(): the AI SDK records nothing and runs as usual', () => {
    expect(agentops.aiSdkTelemetry()).toEqual({ isEnabled: false });
  });
});
