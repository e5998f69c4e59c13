/**
 * Acceptance (issue: LLM client instrumentation): the real `openai` client, v7 (current), v6 and v4
 * (the oldest supported), pointed at a loopback stub that answers with recorded-shape responses,
 * yields exactly one LLM span per call inside the active session, with the GenAI attributes, for
 * chat completions (plain, tool calls, streamed), the Responses API (plain and streamed) and
 * embeddings; streams end their span when consumed, broken out of, aborted or cut; API errors mark
 * the span and reach the user unchanged.
 */
import OpenAI7 from 'openai';
import OpenAI4 from 'openai-v4';
import OpenAI6 from 'openai-v6';
import * as agentops from '../src';
import { instrument } from '../src';
import { allText, InstrumentedRun, json, llmSpans, only, SpanKindCode, StatusCode } from './helpers/instrumented-run';
import { openaiChatChunks, openaiChatCompletion, openaiError, openaiResponse, openaiResponseEvents } from '../../../testing/llm-stub';

type OpenAIClass = typeof OpenAI7;

/** Whether `fn` is an agentops wrapper (it carries the original under a global symbol). */
function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && Symbol.for('agentops.instrumentation.original') in fn;
}

const VERSIONS: Array<[string, OpenAIClass]> = [
  ['openai v7', OpenAI7],
  ['openai v6', OpenAI6 as unknown as OpenAIClass],
  ['openai v4', OpenAI4 as unknown as OpenAIClass],
];

const WEATHER_TOOL = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe.each(VERSIONS)('%s', (_label, OpenAI) => {
  let run: InstrumentedRun;
  let client: InstanceType<OpenAIClass>;

  beforeEach(async () => {
    run = await InstrumentedRun.start();
    run.init({ instrument: { openai: OpenAI } });
    client = new OpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test', maxRetries: 0 });
  });

  afterEach(async () => {
    await run.close();
  });


  it('records a chat completion as one CLIENT span inside the session, with request, response, usage, messages and cost', async () => {
    let content: string | null | undefined;
    const { session, spans } = await run.inSession(async () => {
      const res = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Where is order 42?' },
        ],
        temperature: 0.2,
        max_tokens: 64,
        stop: ['END'],
      });
      content = res.choices[0]?.message.content;
    });
    expect(content).toBe('You said: Where is order 42?');
    const root = spans.find((s) => s.name === 'agent')!;
    const llm = only(llmSpans(spans), 'LLM span');
    expect(llm.name).toBe('chat gpt-4o-mini');
    expect(llm.kind).toBe(SpanKindCode.CLIENT);
    expect(llm.traceId).toBe(session.traceId);
    expect(llm.parentSpanId).toBe(root.spanId);
    expect(llm.status.code).toBe(StatusCode.UNSET);
    expect(llm.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.id': 'chatcmpl-stub1',
      'gen_ai.response.model': 'gpt-4o-mini-2025-01-01',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'agentops.event.type': 'llm',
    });
    // gpt-4o-mini at the test price: $0.15 / $0.60 per million input / output tokens.
    expect(llm.attributes['agentops.llm.cost_usd']).toBeCloseTo((12 * 0.15 + 7 * 0.6) / 1e6, 12);
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Where is order 42?' }] },
    ]);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'You said: Where is order 42?' }], finish_reason: 'stop' },
    ]);
    expect(run.stub.requests).toHaveLength(1);
  });

  it('records tool calls in the output and keeps the parse() helper working', async () => {
    run.stub.enqueue({
      json: openaiChatCompletion({ model: 'gpt-4o', content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }], usage: { prompt: 40, completion: 12, cached: 32 } }),
    });
    let args: string | undefined;
    const { spans } = await run.inSession(async () => {
      const res = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER_TOOL] });
      args = res.choices[0]?.message.tool_calls?.[0]?.type === 'function' ? res.choices[0].message.tool_calls[0].function.arguments : undefined;
    });
    expect(args).toBe('{"city":"Paris"}');
    const llm = only(llmSpans(spans));
    expect(llm.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    expect(llm.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(32);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_calls' },
    ]);
  });

  it('streams: the user gets the very chunks the API sent, and the span holds the assembled output, usage and time to first chunk', async () => {
    const chunks: unknown[] = [];
    const { spans } = await run.inSession(async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'count to three please' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const c of stream) chunks.push(c);
    });
    const sent = openaiChatChunks({ model: 'gpt-4o-mini', content: 'You said: count to three please', includeUsage: true })
      .map((e) => e.data)
      .filter((d) => d !== '[DONE]');
    expect(chunks).toEqual(sent);
    const llm = only(llmSpans(spans));
    expect(llm.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'chatcmpl-stub1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 7,
      'agentops.stream.outcome': 'completed',
    });
    expect(llm.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    expect(llm.attributes['gen_ai.response.time_to_first_chunk'] as number).toBeGreaterThanOrEqual(0);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'You said: count to three please' }], finish_reason: 'stop' },
    ]);
  });

  it('assembles streamed tool call arguments from their fragments', async () => {
    run.stub.enqueue({ sse: openaiChatChunks({ model: 'gpt-4o', content: null, toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' }] }) });
    const { spans } = await run.inSession(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Oslo?' }], tools: [WEATHER_TOOL], stream: true });
      for await (const _ of stream) void _;
    });
    const llm = only(llmSpans(spans));
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_9', name: 'get_weather', arguments: { city: 'Oslo' } }], finish_reason: 'tool_calls' },
    ]);
  });

  it('ends the span of a stream abandoned after 2 chunks, with the partial output', async () => {
    const { spans } = await run.inSession(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three four five' }], stream: true });
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
    // Chunk 1 is the role chunk (empty content), chunk 2 the first word.
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'You ' }] }]);
    expect(llm.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
  });

  it('ends a stream whose connection drops with ERROR, and the user sees the same error', async () => {
    run.stub.enqueue({ sse: openaiChatChunks({ model: 'gpt-4o-mini', content: 'a b c d e f' }), dropAfter: 3 });
    let seen = 0;
    let thrown: unknown;
    const { spans } = await run.inSession(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
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
    // The fetch implementation's own error (undici's TypeError comes from another realm than Jest's).
    expect(Object.prototype.toString.call(thrown)).toBe('[object Error]');
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.ERROR);
    expect(llm.attributes['agentops.stream.outcome']).toBe('error');
    expect(llm.attributes['error.type']).toBe((thrown as Error).constructor.name);
    const exception = only(llm.events.filter((e) => e.name === 'exception'));
    expect(exception.attributes['exception.message']).toBe((thrown as Error).message);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'a b ' }] }]);
  });

  it('keeps controller.abort() working: the stream stops and the span ends as aborted', async () => {
    run.stub.enqueue({ sse: openaiChatChunks({ model: 'gpt-4o-mini', content: 'never ending story here' }), hangAfter: 2 });
    let seen = 0;
    const { spans } = await run.inSession(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
      for await (const _ of stream) {
        void _;
        if (++seen === 2) stream.controller.abort();
      }
    });
    expect(seen).toBe(2);
    const llm = only(llmSpans(spans));
    expect(llm.attributes['agentops.stream.outcome']).toBe('aborted');
    expect(llm.status.code).toBe(StatusCode.UNSET);
  });

  it('ends a stream that is never read when its session ends, marked abandoned', async () => {
    const session = agentops.startSession({ name: 'agent' });
    await session.run(async () => {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'unread' }], stream: true });
    });
    session.end('Indeterminate');
    const llm = only(llmSpans(await run.spans()));
    expect(llm.attributes['agentops.span.abandoned']).toBe(true);
    expect(llm.attributes['agentops.stream.outcome']).toBeUndefined();
  });

  it.each([
    [429, 'RateLimitError', openaiError(429, 'Rate limit reached for gpt-4o-mini', 'requests', 'rate_limit_exceeded')],
    [500, 'InternalServerError', openaiError(500, 'The server had an error', 'server_error')],
  ])('marks an HTTP %i failure ERROR with error.type and rethrows the client error unchanged', async (status, className, reply) => {
    run.stub.enqueue(reply);
    let thrown: unknown;
    const { spans } = await run.inSession(async () => {
      thrown = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).then(
        () => undefined,
        (err: unknown) => err,
      );
    });
    // The SDK's own error class, with its status and body: not a wrapper.
    expect(thrown).toBeInstanceOf((OpenAI as unknown as Record<string, new () => Error>)[className]!);
    expect((thrown as { status: number }).status).toBe(status);
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.ERROR);
    expect(llm.attributes['error.type']).toBe(String(status));
    expect(llm.attributes['http.response.status_code']).toBe(status);
    const exception = only(llm.events.filter((e) => e.name === 'exception'));
    expect(exception.attributes['exception.type']).toBe(className);
    expect(exception.attributes['exception.message']).toBe((thrown as Error).message);
  });

  it('records one span for a call the client retried (500 then 200)', async () => {
    const retrying = new OpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test', maxRetries: 1 });
    run.stub.enqueue(openaiError(500, 'try again', 'server_error'));
    const { spans } = await run.inSession(async () => {
      await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    });
    expect(run.stub.requests).toHaveLength(2);
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.UNSET);
    expect(llm.attributes['gen_ai.response.id']).toBe('chatcmpl-stub1');
  });

  it('keeps the APIPromise helpers: withResponse() and a raw asResponse() whose body is still unread', async () => {
    let requestId: string | null | undefined;
    let rawBody: unknown;
    const { spans } = await run.inSession(async () => {
      const promise = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'first' }] });
      expect(typeof promise.withResponse).toBe('function');
      const { data, response } = await promise.withResponse();
      requestId = response.headers.get('x-request-id');
      expect(data.choices[0]?.message.content).toBe('You said: first');
      const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'second' }] }).asResponse();
      rawBody = await raw.json();
    });
    expect(requestId).toBe('req_stub');
    expect((rawBody as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe('You said: second');
    const llms = llmSpans(spans);
    expect(llms).toHaveLength(2);
    expect(llms.find((s) => s.attributes['gen_ai.usage.input_tokens'] === 12)).toBeDefined();
    // The raw response's body belongs to the user: that span ends at the response, without it.
    expect(llms.filter((s) => s.attributes['gen_ai.response.id'] === undefined)).toHaveLength(1);
  });

  it('records the Responses API, plain and streamed', async () => {
    run.stub.enqueue(
      { json: openaiResponse({ model: 'gpt-4o-mini', functionCall: { id: 'call_r1', name: 'get_weather', arguments: '{"city":"Rome"}' } }) },
      { sse: openaiResponseEvents(openaiResponse({ model: 'gpt-4o-mini', text: 'It is sunny in Rome.' })) },
    );
    const events: string[] = [];
    const { spans } = await run.inSession(async () => {
      await client.responses.create({ model: 'gpt-4o-mini', input: 'Weather in Rome?', instructions: 'Use tools.', max_output_tokens: 100 });
      const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'And now?', stream: true });
      for await (const e of stream) events.push(e.type);
    });
    expect(events[events.length - 1]).toBe('response.completed');
    expect(llmSpans(spans)).toHaveLength(2);
    const [plain, streamed] = llmSpans(spans).sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(plain!.name).toBe('chat gpt-4o-mini');
    expect(plain!.attributes).toMatchObject({
      'gen_ai.request.max_tokens': 100,
      'gen_ai.response.id': 'resp_stub1',
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 6,
    });
    expect(json(plain!.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Use tools.' }]);
    expect(json(plain!.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Rome?' }] }]);
    expect(json(plain!.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_r1', name: 'get_weather', arguments: { city: 'Rome' } }], finish_reason: 'tool_calls' },
    ]);
    expect(streamed!.attributes).toMatchObject({ 'gen_ai.request.stream': true, 'gen_ai.response.finish_reasons': ['stop'], 'agentops.stream.outcome': 'completed' });
    expect(json(streamed!.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'It is sunny in Rome.' }], finish_reason: 'stop' },
    ]);
  });

  it('records embeddings with their dimension count', async () => {
    let length = 0;
    const { spans } = await run.inSession(async () => {
      const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
      length = res.data[0]!.embedding.length;
    });
    expect(length).toBe(8);
    const llm = only(llmSpans(spans));
    expect(llm.name).toBe('embeddings text-embedding-3-small');
    expect(llm.kind).toBe(SpanKindCode.CLIENT);
    expect(llm.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 10, 'gen_ai.embeddings.dimension.count': 8 });
  });

  it('never doubles a span: instrumenting the class again and the client instance is a no-op', async () => {
    instrument(OpenAI);
    instrument(client);
    agentops.instrument({ default: OpenAI });
    const { spans } = await run.inSession(async () => {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'once' }] });
    });
    expect(llmSpans(spans)).toHaveLength(1);
  });

  it('lands in the only open session when called outside session.run()', async () => {
    const session = agentops.startSession({ name: 'background' });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    session.end();
    const spans = await run.spans();
    const llm = only(llmSpans(spans));
    expect(llm.traceId).toBe(session.traceId);
    expect(llm.parentSpanId).toBe(spans.find((s) => s.name === 'background')!.spanId);
  });

  it('undoes its patches at shutdown(): the client calls the original method again', async () => {
    const proto = (OpenAI as unknown as { Chat: { Completions: { prototype: Record<string, unknown> } } }).Chat.Completions.prototype;
    expect(isPatched(proto.create)).toBe(true);
    await agentops.shutdown(1000);
    expect(isPatched(proto.create)).toBe(false);
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'after' }] });
    expect(res.choices[0]?.message.content).toBe('You said: after');
  });
});

describe('content capture off', () => {
  let run: InstrumentedRun;

  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });

  afterEach(async () => {
    await run.close();
  });

  it('records no prompt, completion or tool argument of any call, plain or streamed', async () => {
    run.init({ instrument: { openai: OpenAI7 }, captureContent: false });
    const client = new OpenAI7({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test', maxRetries: 0 });
    run.stub.enqueue(
      { json: openaiChatCompletion({ model: 'gpt-4o', content: null, toolCalls: [{ id: 'call_s', name: 'get_weather', arguments: '{"city":"Secretville"}' }] }) },
      { sse: openaiChatChunks({ model: 'gpt-4o', content: 'streamed secret answer', includeUsage: true }) },
      { json: openaiResponse({ model: 'gpt-4o', text: 'responses secret answer' }) },
    );
    const session = agentops.startSession();
    await session.run(async () => {
      await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'prompt secret one' }], tools: [WEATHER_TOOL] });
      const s = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'prompt secret two' }], stream: true });
      for await (const _ of s) void _;
      await client.responses.create({ model: 'gpt-4o', input: 'prompt secret three', instructions: 'instruction secret' });
    });
    session.end();
    const spans = await run.spans();
    expect(llmSpans(spans)).toHaveLength(3);
    const text = allText(spans);
    for (const secret of ['prompt secret', 'Secretville', 'streamed secret', 'responses secret', 'instruction secret']) expect(text).not.toContain(secret);
    // Metadata is still recorded.
    for (const s of llmSpans(spans)) expect(s.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number));
  });
});
