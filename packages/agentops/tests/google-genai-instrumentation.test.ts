/**
 * Acceptance (issue: providers, Google GenAI): the real `@google/genai` client, v3 and v1, pointed
 * at a loopback stub of the Gemini API, yields exactly one `chat {model}` / `embeddings {model}`
 * CLIENT span per model call inside the active session: `models.generateContent`, its streamed form
 * (read to the end, broken out of, cut), chats (`sendMessage`, `sendMessageStream`: recorded once,
 * where they call the model) and `models.embedContent`, with request parameters, usage (cached and
 * thinking tokens), finish reasons, messages and function calls, and cost. Failures (429, 500) mark
 * the span ERROR and reach the caller unchanged; content capture off leaves no content anywhere.
 */
import { context } from '@opentelemetry/api';
import type * as G from '@google/genai' with { 'resolution-mode': 'import' };
import * as agentops from '../src';
import { SUPPRESS_LLM_SPAN_KEY } from '../src/integrations/shared/suppress';
import { allText, InstrumentedRun, json, llmSpans, only, SpanKindCode, StatusCode } from './helpers/instrumented-run';
import { geminiChunks, geminiError, geminiResponse } from '../../../testing/llm-stub';

type GenAI = typeof G;
type Client = InstanceType<GenAI['GoogleGenAI']>;

// @google/genai declares its types as an ES module only; Jest loads its CommonJS build. (v1 is typed as v3.)
const genai3 = require('@google/genai') as GenAI;
const genai1 = require('@google/genai-v1') as GenAI;

const VERSIONS: Array<[string, GenAI]> = [
  ['@google/genai v3', genai3],
  ['@google/genai v1', genai1],
];

const MODEL = 'gemini-2.5-flash';

/**
 * The client's options against the stub. Jest's sandbox has its own `globalThis`, where
 * `@google/genai` 3 does not find Node's undici dispatcher; handed the same global `fetch`
 * explicitly, it uses it as it is.
 */
function clientOptions(baseUrl: string): G.GoogleGenAIOptions {
  return { apiKey: 'gemini-test-key', httpOptions: { baseUrl, fetch: globalThis.fetch } };
}

/** Whether `fn` is an agentops wrapper (it carries the original under a global symbol). */
function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && Symbol.for('agentops.instrumentation.original') in fn;
}

/** The Gemini API path of a model method (v1 of the SDK calls `v1beta`, v3 `v1`). */
function apiPath(model: string, method: string): RegExp {
  return new RegExp(`^/v1(beta)?/models/${model}:${method}$`);
}

function byStart<T extends { startTimeUnixNano: string }>(spans: T[]): T[] {
  return [...spans].sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
}

const WEATHER: G.FunctionDeclaration = {
  name: 'get_weather',
  description: 'Current weather',
  parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe.each(VERSIONS)('%s', (_label, genai) => {
  let run: InstrumentedRun;
  let ai: Client;

  beforeEach(async () => {
    run = await InstrumentedRun.start();
    run.init({ instrument: { googleGenAI: genai } });
    ai = new genai.GoogleGenAI(clientOptions(run.stub.url));
  });

  afterEach(async () => {
    await run.close();
  });

  it('records generateContent as one CLIENT span in the session: parameters, usage with cached and thinking tokens, messages, function call, cost', async () => {
    run.stub.enqueue({
      json: geminiResponse({
        model: MODEL,
        thought: 'The user wants the weather.',
        text: 'Let me check.',
        functionCall: { name: 'get_weather', args: { city: 'Paris' } },
        usage: { prompt: 40, cached: 32, toolUse: 5, candidates: 12, thoughts: 20 },
        responseId: 'resp-plain-1',
      }),
    });
    let response: G.GenerateContentResponse | undefined;
    const { session, spans } = await run.inSession(async () => {
      response = await ai.models.generateContent({
        model: `models/${MODEL}`,
        contents: [
          { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
          { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Lyon' } } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'clear' } } }] },
          { role: 'user', parts: [{ text: 'And Paris?' }] },
        ],
        config: {
          systemInstruction: 'You are a weather bot.',
          temperature: 0.2,
          topP: 0.9,
          topK: 40,
          maxOutputTokens: 256,
          stopSequences: ['END'],
          seed: 7,
          candidateCount: 1,
          presencePenalty: 0.1,
          frequencyPenalty: 0.3,
          tools: [{ functionDeclarations: [WEATHER] }],
        },
      });
    });
    // The caller's response object works as without agentops.
    expect(response?.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    expect(response?.candidates?.[0]?.content?.parts?.[1]?.text).toBe('Let me check.');
    expect(run.stub.requests[0]!.path).toMatch(apiPath(MODEL, 'generateContent'));
    const root = spans.find((s) => s.name === 'agent')!;
    const llm = only(llmSpans(spans), 'LLM span');
    expect(llm.name).toBe(`chat ${MODEL}`);
    expect(llm.kind).toBe(SpanKindCode.CLIENT);
    expect(llm.traceId).toBe(session.traceId);
    expect(llm.parentSpanId).toBe(root.spanId);
    expect(llm.status.code).toBe(StatusCode.UNSET);
    expect(llm.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': MODEL,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 7,
      'gen_ai.request.choice.count': 1,
      'gen_ai.request.presence_penalty': 0.1,
      'gen_ai.request.frequency_penalty': 0.3,
      'gen_ai.response.id': 'resp-plain-1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      // The prompt (40, of which 32 cached) plus the tool-use prompt (5).
      'gen_ai.usage.input_tokens': 45,
      'gen_ai.usage.cache_read.input_tokens': 32,
      // The candidates (12) plus the thinking (20), which is billed as output.
      'gen_ai.usage.output_tokens': 32,
      'gen_ai.usage.reasoning.output_tokens': 20,
      'agentops.event.type': 'llm',
    });
    expect(llm.attributes['gen_ai.request.stream']).toBeUndefined();
    // gemini-2.5-flash: $0.30 input, $0.03 cached input, $2.50 output per million tokens.
    expect(llm.attributes['agentops.llm.cost_usd']).toBeCloseTo((13 * 0.3 + 32 * 0.03 + 32 * 2.5) / 1e6, 12);
    expect(json(llm.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'You are a weather bot.' }]);
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Lyon' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', name: 'get_weather', response: { sky: 'clear' } }] },
      { role: 'user', parts: [{ type: 'text', content: 'And Paris?' }] },
    ]);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'The user wants the weather.' },
          { type: 'text', content: 'Let me check.' },
          { type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } },
        ],
        finish_reason: 'stop',
      },
    ]);
    expect(run.stub.requests).toHaveLength(1);
  });

  it('records a plain string prompt and a text answer as the conventions messages', async () => {
    let text: string | undefined;
    const { spans } = await run.inSession(async () => {
      text = (await ai.models.generateContent({ model: MODEL, contents: 'Where is order 42?' })).text;
    });
    expect(text).toBe('You said: Where is order 42?');
    const llm = only(llmSpans(spans));
    expect(llm.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 7 });
    expect(llm.attributes['gen_ai.usage.reasoning.output_tokens']).toBeUndefined();
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Where is order 42?' }] }]);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'You said: Where is order 42?' }], finish_reason: 'stop' },
    ]);
  });

  it('streams: the user reads the very chunks the API sent; the span holds the assembled answer, usage and time to first chunk', async () => {
    const sent = geminiChunks({ model: MODEL, text: 'It is sunny in Rome today.', functionCall: { name: 'get_weather', args: { city: 'Rome' } }, usage: { prompt: 30, candidates: 9 } });
    run.stub.enqueue({ sse: sent });
    const texts: Array<string | undefined> = [];
    let calls: unknown;
    const { spans } = await run.inSession(async () => {
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'Rome?', config: { temperature: 0.5, tools: [{ functionDeclarations: [WEATHER] }] } });
      for await (const chunk of stream) {
        // The part itself: the SDK's `text` getter warns about a chunk that holds a function call.
        texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text);
        if (chunk.functionCalls !== undefined) calls = chunk.functionCalls;
      }
    });
    expect(texts).toHaveLength(sent.length);
    expect(texts.slice(0, -1).join('')).toBe('It is sunny in Rome today.');
    expect(calls).toEqual([{ name: 'get_weather', args: { city: 'Rome' } }]);
    expect(run.stub.requests[0]!.path).toMatch(apiPath(MODEL, 'streamGenerateContent'));
    const llm = only(llmSpans(spans));
    expect(llm.name).toBe(`chat ${MODEL}`);
    expect(llm.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.response.id': 'resp-gemini-stub1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 9,
      'agentops.stream.outcome': 'completed',
    });
    expect(llm.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    expect(llm.attributes['gen_ai.response.time_to_first_chunk'] as number).toBeGreaterThanOrEqual(0);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'It is sunny in Rome today.' },
          { type: 'tool_call', name: 'get_weather', arguments: { city: 'Rome' } },
        ],
        finish_reason: 'stop',
      },
    ]);
  });

  it('ends the span of a stream abandoned after 2 chunks, with the partial answer', async () => {
    const { spans } = await run.inSession(async () => {
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'one two three four five' });
      let n = 0;
      for await (const _ of stream) {
        void _;
        if (++n === 2) break;
      }
      expect(n).toBe(2);
    });
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.UNSET);
    expect(llm.attributes['agentops.stream.outcome']).toBe('cancelled');
    expect(llm.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
    expect(llm.attributes['gen_ai.usage.input_tokens']).toBe(12);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'You said: ' }] }]);
  });

  it('ends a stream whose connection drops with ERROR, and the user sees the same error', async () => {
    run.stub.enqueue({ sse: geminiChunks({ model: MODEL, text: 'a b c d e f' }), dropAfter: 3 });
    let seen = 0;
    let thrown: unknown;
    const { spans } = await run.inSession(async () => {
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'x' });
      try {
        for await (const _ of stream) {
          void _;
          seen++;
        }
      } catch (err) {
        thrown = err;
      }
    });
    expect(seen).toBe(3);
    expect(thrown).toBeDefined();
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.ERROR);
    expect(llm.attributes['agentops.stream.outcome']).toBe('error');
    const exception = only(llm.events.filter((e) => e.name === 'exception'));
    expect(exception.attributes['exception.message']).toBe((thrown as Error).message);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'a b c ' }] }]);
  });

  it('ends a stream stopped with config.abortSignal: the AbortError the user gets marks the span', async () => {
    run.stub.enqueue({ sse: geminiChunks({ model: MODEL, text: 'never ending story here' }), hangAfter: 2 });
    const controller = new AbortController();
    let seen = 0;
    let thrown: unknown;
    const { spans } = await run.inSession(async () => {
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'x', config: { abortSignal: controller.signal } });
      try {
        for await (const _ of stream) {
          void _;
          if (++seen === 2) controller.abort();
        }
      } catch (err) {
        thrown = err;
      }
    });
    expect(seen).toBe(2);
    expect((thrown as Error).name).toBe('AbortError');
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.ERROR);
    expect(llm.attributes['agentops.stream.outcome']).toBe('error');
    // The error's class, as for any error without an HTTP status (fetch's AbortError is a DOMException).
    expect(llm.attributes['error.type']).toBe((thrown as Error).constructor.name);
    expect(only(llm.events.filter((e) => e.name === 'exception')).attributes['exception.message']).toBe((thrown as Error).message);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'never ending ' }] }]);
  });

  it('records each message of a chat once, plain and streamed, with the history the model receives', async () => {
    const streamed: string[] = [];
    let history: G.Content[] = [];
    const { spans } = await run.inSession(async () => {
      const chat = ai.chats.create({ model: MODEL, config: { systemInstruction: 'Be brief.', maxOutputTokens: 64 } });
      const first = await chat.sendMessage({ message: 'Hello' });
      expect(first.text).toBe('You said: Hello');
      const stream = await chat.sendMessageStream({ message: 'Tell me more' });
      for await (const chunk of stream) streamed.push(chunk.text ?? '');
      history = chat.getHistory();
    });
    expect(streamed.join('')).toBe('You said: Tell me more');
    // The chat keeps its own history as without agentops: the turns, then each streamed chunk's content.
    expect(history.slice(0, 3).map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(history.slice(3).map((c) => c.parts?.[0]?.text).join('')).toBe('You said: Tell me more');
    expect(run.stub.requests).toHaveLength(2);
    const [plain, stream] = byStart(llmSpans(spans));
    expect(llmSpans(spans)).toHaveLength(2);
    expect(plain!.attributes).toMatchObject({ 'gen_ai.request.max_tokens': 64, 'gen_ai.response.finish_reasons': ['stop'] });
    expect(plain!.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(stream!.attributes).toMatchObject({ 'gen_ai.request.stream': true, 'agentops.stream.outcome': 'completed', 'gen_ai.request.max_tokens': 64 });
    expect(json(stream!.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(json(stream!.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'You said: Hello' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Tell me more' }] },
    ]);
    expect(json(stream!.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'You said: Tell me more' }], finish_reason: 'stop' },
    ]);
  });

  it('automatic function calling: each model call of one generateContent is its own span, the tool runs between them', async () => {
    const lookup = agentops.traceTool('get_weather', async (city: string) => ({ city, sky: 'clear' }));
    const weather: G.CallableTool = {
      tool: async () => ({ functionDeclarations: [WEATHER] }),
      callTool: async (calls) => {
        const parts: G.Part[] = [];
        for (const c of calls) parts.push({ functionResponse: { name: c.name, response: await lookup(String(c.args?.city)) } });
        return parts;
      },
    };
    let text: string | undefined;
    const { spans } = await run.inSession(async () => {
      text = (await ai.models.generateContent({ model: MODEL, contents: 'Oslo', config: { tools: [weather] } })).text;
    });
    expect(text).toBe('get_weather says: {"city":"Oslo","sky":"clear"}');
    expect(run.stub.requests).toHaveLength(2);
    const [ask, answer] = byStart(llmSpans(spans));
    expect(llmSpans(spans)).toHaveLength(2);
    const tool = only(spans.filter((s) => s.name === 'execute_tool get_weather'));
    expect(BigInt(tool.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(ask!.endTimeUnixNano));
    expect(BigInt(answer!.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(tool.endTimeUnixNano));
    expect(json(ask!.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Oslo' } }], finish_reason: 'stop' },
    ]);
    expect(json(answer!.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Oslo' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Oslo' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', name: 'get_weather', response: { city: 'Oslo', sky: 'clear' } }] },
    ]);
  });

  it('ends a stream that is never read when its session ends, marked abandoned', async () => {
    const session = agentops.startSession({ name: 'agent' });
    await session.run(async () => {
      await ai.models.generateContentStream({ model: MODEL, contents: 'unread' });
    });
    session.end('Indeterminate');
    const llm = only(llmSpans(await run.spans()));
    expect(llm.attributes['agentops.span.abandoned']).toBe(true);
    expect(llm.attributes['agentops.stream.outcome']).toBeUndefined();
  });

  it('records embedContent as one embeddings span with its dimension count; the caller gets the vectors', async () => {
    let vectors = 0;
    let length = 0;
    const { spans } = await run.inSession(async () => {
      const res = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['alpha', 'beta'], config: { outputDimensionality: 8 } });
      vectors = res.embeddings?.length ?? 0;
      length = res.embeddings?.[0]?.values?.length ?? 0;
    });
    expect([vectors, length]).toEqual([2, 8]);
    expect(run.stub.requests[0]!.path).toMatch(apiPath('gemini-embedding-001', 'batchEmbedContents'));
    const llm = only(llmSpans(spans));
    expect(llm.name).toBe('embeddings gemini-embedding-001');
    expect(llm.kind).toBe(SpanKindCode.CLIENT);
    expect(llm.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-embedding-001',
      'gen_ai.embeddings.dimension.count': 8,
    });
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'alpha' }] },
      { role: 'user', parts: [{ type: 'text', content: 'beta' }] },
    ]);
  });

  it.each([
    [429, geminiError(429, 'Resource has been exhausted (e.g. check quota).')],
    [500, geminiError(500, 'An internal error has occurred. Please retry or report.')],
  ])('marks an HTTP %i failure ERROR with error.type, plain and streamed, and the caller gets the ApiError unchanged', async (status, reply) => {
    run.stub.enqueue(reply, reply);
    const thrown: unknown[] = [];
    const { spans } = await run.inSession(async () => {
      thrown.push(await ai.models.generateContent({ model: MODEL, contents: 'hi' }).then(() => undefined, (err: unknown) => err));
      thrown.push(await ai.models.generateContentStream({ model: MODEL, contents: 'hi' }).then(() => undefined, (err: unknown) => err));
    });
    for (const err of thrown) {
      // The SDK's own error class, with its status and the API's body as message: not a wrapper.
      expect(err).toBeInstanceOf(genai.ApiError);
      expect((err as G.ApiError).status).toBe(status);
      expect((err as Error).message).toBe(JSON.stringify(reply.json));
    }
    const llms = byStart(llmSpans(spans));
    expect(llms).toHaveLength(2);
    llms.forEach((llm, i) => {
      expect(llm.status.code).toBe(StatusCode.ERROR);
      expect(llm.attributes['error.type']).toBe(String(status));
      expect(llm.attributes['http.response.status_code']).toBe(status);
      const exception = only(llm.events.filter((e) => e.name === 'exception'));
      expect(exception.attributes['exception.type']).toBe('ApiError');
      expect(exception.attributes['exception.message']).toBe((thrown[i] as Error).message);
    });
  });

  it('records nothing of its own where an outer layer already records the model call', async () => {
    const { spans } = await run.inSession(async () => {
      const outer = context.active().setValue(SUPPRESS_LLM_SPAN_KEY, true);
      await context.with(outer, async () => {
        await ai.models.generateContent({ model: MODEL, contents: 'inner' });
        const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'inner stream' });
        for await (const _ of stream) void _;
      });
    });
    expect(run.stub.requests).toHaveLength(2);
    expect(llmSpans(spans)).toEqual([]);
  });

  it('never doubles a span: instrumenting the module again and the client instance is a no-op', async () => {
    agentops.instrument(genai);
    agentops.instrument(ai);
    agentops.instrument(ai.models);
    const { spans } = await run.inSession(async () => {
      await ai.models.generateContent({ model: MODEL, contents: 'once' });
    });
    expect(llmSpans(spans)).toHaveLength(1);
  });

  it('undoes its patches at shutdown(): the client calls the original methods again', async () => {
    const proto = genai.Models.prototype as unknown as Record<string, unknown>;
    expect(isPatched(proto.generateContentInternal)).toBe(true);
    expect(isPatched(proto.generateContentStreamInternal)).toBe(true);
    expect(isPatched(proto.embedContentInternal)).toBe(true);
    await agentops.shutdown(1000);
    expect(isPatched(proto.generateContentInternal)).toBe(false);
    expect(isPatched(proto.generateContentStreamInternal)).toBe(false);
    expect(isPatched(proto.embedContentInternal)).toBe(false);
    expect((await ai.models.generateContent({ model: MODEL, contents: 'after' })).text).toBe('You said: after');
  });
});

/** A loopback stub and OTLP receiver for each test of the calling `describe`; the test calls `init()` itself. */
function runPerTest(): () => InstrumentedRun {
  let run: InstrumentedRun | undefined;
  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });
  afterEach(async () => {
    await run?.close();
  });
  return () => run!;
}

describe('@google/genai: one client instance, Vertex AI', () => {
  const current = runPerTest();

  it('instrument(client) records only that client; a Vertex AI client is gcp.vertex_ai', async () => {
    const run = current();
    run.init({ instrument: false });
    const options = clientOptions(run.stub.url);
    const recorded = agentops.instrument(new genai3.GoogleGenAI({ ...options, vertexai: true }));
    const other = new genai3.GoogleGenAI(options);
    const { spans } = await run.inSession(async () => {
      expect((await recorded.models.generateContent({ model: MODEL, contents: 'vertex' })).text).toBe('You said: vertex');
      await other.models.generateContent({ model: MODEL, contents: 'not recorded' });
    });
    expect(run.stub.requests[0]!.path).toMatch(new RegExp(`/publishers/google/models/${MODEL}:generateContent$`));
    const llm = only(llmSpans(spans));
    expect(llm.attributes).toMatchObject({ 'gen_ai.provider.name': 'gcp.vertex_ai', 'gen_ai.request.model': MODEL, 'gen_ai.usage.input_tokens': 12 });
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'vertex' }] }]);
  });
});

describe.each(VERSIONS)('%s, content capture off', (_label, genai) => {
  const current = runPerTest();

  it('records no prompt, answer, instruction, function argument or result of any call', async () => {
    const run = current();
    run.init({ instrument: { googleGenAI: genai }, captureContent: false });
    const ai = new genai.GoogleGenAI(clientOptions(run.stub.url));
    run.stub.enqueue(
      { json: geminiResponse({ model: MODEL, thought: 'thought secret', text: 'answer secret one', functionCall: { name: 'get_weather', args: { city: 'Secretville' } } }) },
      { sse: geminiChunks({ model: MODEL, text: 'streamed secret answer', functionCall: { name: 'get_weather', args: { city: 'Streamville' } } }) },
    );
    const session = agentops.startSession();
    await session.run(async () => {
      await ai.models.generateContent({
        model: MODEL,
        contents: [
          { role: 'user', parts: [{ text: 'prompt secret one' }] },
          { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Argville' } } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'result secret' } } }] },
        ],
        config: { systemInstruction: 'instruction secret', tools: [{ functionDeclarations: [WEATHER] }] },
      });
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'prompt secret two' });
      for await (const _ of stream) void _;
      const chat = ai.chats.create({ model: MODEL, config: { systemInstruction: 'chat instruction secret' } });
      await chat.sendMessage({ message: 'chat secret' });
      await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['embedded secret'] });
    });
    session.end();
    const spans = await run.spans();
    expect(llmSpans(spans)).toHaveLength(4);
    const text = allText(spans);
    for (const secret of ['secret', 'Secretville', 'Streamville', 'Argville']) expect(text).not.toContain(secret);
    // Metadata is still recorded.
    for (const s of llmSpans(spans)) {
      expect(s.attributes['gen_ai.request.model']).toEqual(expect.any(String));
      expect(s.attributes['gen_ai.input.messages']).toBeUndefined();
    }
    expect(llmSpans(spans).filter((s) => s.attributes['gen_ai.usage.input_tokens'] !== undefined)).toHaveLength(3);
  });
});
