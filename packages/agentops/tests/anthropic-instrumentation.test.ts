/**
 * Acceptance (issue: LLM client instrumentation): the real `@anthropic-ai/sdk` client, v1 (current)
 * and v0 (the oldest supported, 0.137), against a loopback stub: `messages.create` (plain, tool
 * use, streamed) and `messages.stream()` each yield exactly one LLM span inside the active session,
 * even though both versions also trace their own calls through the global provider; streams end their span when read to the end, broken out
 * of, aborted or cut; API errors mark the span and reach the user unchanged.
 */
import Anthropic from '@anthropic-ai/sdk';
import Anthropic0 from 'anthropic-v0';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import * as agentops from '../src';
import { allText, InstrumentedRun, json, llmSpans, only, SpanKindCode, StatusCode } from './helpers/instrumented-run';
import { anthropicError, anthropicEvents, anthropicMessage } from '../../../testing/llm-stub';

const MODEL = 'claude-haiku-4-5';
const NATIVE_SCOPE = 'com.anthropic.sdk.typescript';

type AnthropicClass = typeof Anthropic;

const VERSIONS: Array<[string, AnthropicClass]> = [
  ['@anthropic-ai/sdk v1', Anthropic],
  ['@anthropic-ai/sdk v0', Anthropic0 as unknown as AnthropicClass],
];

describe.each(VERSIONS)('%s', (_label, Anthropic) => {
  let run: InstrumentedRun;
  let client: InstanceType<AnthropicClass>;

  beforeEach(async () => {
    run = await InstrumentedRun.start();
    client = new Anthropic({ baseURL: run.stub.url, apiKey: 'sk-ant-test', maxRetries: 0 });
  });

  afterEach(async () => {
    propagation.disable();
    await run.close();
  });


  it('records messages.create as one CLIENT span with system, tool use, cache-aware usage and cost; the SDK records no span of its own', async () => {
    run.init({ instrument: { anthropic: Anthropic } });
    // The SDK injects trace headers through the global propagator, when the application has one.
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    run.stub.enqueue({ json: anthropicMessage({ model: MODEL, text: 'Let me look.', toolUse: { id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } } }) });
    let stop: string | null | undefined;
    const { session, spans } = await run.inSession(async () => {
      const msg = await client.messages.create({
        model: MODEL,
        max_tokens: 256,
        stop_sequences: ['END'],
        system: 'You are a weather bot.',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      });
      stop = msg.stop_reason;
    });
    expect(stop).toBe('tool_use');
    expect(spans.filter((s) => s.scope.name === NATIVE_SCOPE)).toEqual([]);
    const llm = only(llmSpans(spans));
    expect(llm.name).toBe(`chat ${MODEL}`);
    expect(llm.kind).toBe(SpanKindCode.CLIENT);
    expect(llm.traceId).toBe(session.traceId);
    expect(llm.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': MODEL,
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.id': 'msg_stub01',
      'gen_ai.response.model': `${MODEL}-20251001`,
      'gen_ai.response.finish_reasons': ['tool_use'],
      // 14 uncached + 4 read from the cache: the conventions count every input token.
      'gen_ai.usage.input_tokens': 18,
      'gen_ai.usage.cache_read.input_tokens': 4,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.usage.output_tokens': 9,
    });
    // claude-haiku-4-5: $1 input, $0.10 cached input, $5 output per million tokens.
    expect(llm.attributes['agentops.llm.cost_usd']).toBeCloseTo((14 * 1 + 4 * 0.1 + 9 * 5) / 1e6, 12);
    expect(json(llm.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'You are a weather bot.' }]);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Let me look.' },
          { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } },
        ],
        finish_reason: 'tool_use',
      },
    ]);
    // The SDK still propagates the trace context: now that of agentops' span.
    expect(run.stub.requests[0]!.headers.traceparent).toBe(`00-${llm.traceId}-${llm.spanId}-01`);
  });

  it('without agentops instrumentation the SDK traces the call itself (what the test above guards against doubling)', async () => {
    run.init({ instrument: false });
    await run.inSession(async () => {
      await client.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    });
    const spans = await run.spans();
    expect(llmSpans(spans)).toEqual([]);
    expect(spans.filter((s) => s.scope.name === NATIVE_SCOPE)).toHaveLength(1);
  });

  it('streams with stream: true: the user reads the very events the API sent; the span assembles the message', async () => {
    run.init({ instrument: { anthropic: Anthropic } });
    const events: unknown[] = [];
    const { spans } = await run.inSession(async () => {
      const stream = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'tell me' }], stream: true });
      for await (const e of stream) events.push(e);
    });
    const sent = anthropicEvents(anthropicMessage({ model: MODEL, text: 'You said: tell me' }))
      .filter((e) => e.event !== 'ping')
      .map((e) => e.data);
    expect(events).toEqual(sent);
    const llm = only(llmSpans(spans));
    expect(spans.filter((s) => s.scope.name === NATIVE_SCOPE)).toEqual([]);
    expect(llm.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'msg_stub01',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 18,
      'gen_ai.usage.output_tokens': 9,
      'agentops.stream.outcome': 'completed',
    });
    expect(llm.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'You said: tell me' }], finish_reason: 'end_turn' },
    ]);
  });

  it('records messages.stream() once, from the events its MessageStream reads, with tool input assembled', async () => {
    run.init({ instrument: { anthropic: Anthropic } });
    run.stub.enqueue({ sse: anthropicEvents(anthropicMessage({ model: MODEL, text: 'Checking.', toolUse: { id: 'toolu_2', name: 'get_weather', input: { city: 'Lima' } } })) });
    const texts: string[] = [];
    let final: Anthropic.Message | undefined;
    const { spans } = await run.inSession(async () => {
      const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'Lima?' }] });
      stream.on('text', (t) => texts.push(t));
      final = await stream.finalMessage();
    });
    expect(texts.join('')).toBe('Checking.');
    expect(final?.content[1]).toEqual({ type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Lima' } });
    expect(spans.filter((s) => s.scope.name === NATIVE_SCOPE)).toEqual([]);
    const llm = only(llmSpans(spans));
    expect(llm.attributes['agentops.stream.outcome']).toBe('completed');
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Checking.' },
          { type: 'tool_call', id: 'toolu_2', name: 'get_weather', arguments: { city: 'Lima' } },
        ],
        finish_reason: 'tool_use',
      },
    ]);
  });

  it('ends the span when a MessageStream is aborted, and when a raw stream is abandoned after 2 events', async () => {
    run.init({ instrument: { anthropic: Anthropic } });
    run.stub.enqueue({ sse: anthropicEvents(anthropicMessage({ model: MODEL, text: 'this will never finish' })), hangAfter: 4 });
    let aborted: unknown;
    const { spans } = await run.inSession(async () => {
      const ms = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'long' }] });
      ms.on('text', () => ms.abort());
      aborted = await ms.finalMessage().then(
        () => undefined,
        (err: unknown) => err,
      );
      const raw = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'one two three' }], stream: true });
      let n = 0;
      for await (const _ of raw) {
        void _;
        if (++n === 2) break;
      }
    });
    expect(aborted).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(llmSpans(spans)).toHaveLength(2);
    const [abortedSpan, abandoned] = llmSpans(spans).sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(abortedSpan!.attributes['agentops.stream.outcome']).toBe('aborted');
    expect(abandoned!.attributes['agentops.stream.outcome']).toBe('cancelled');
    // Events 1-2: message_start and the first content_block_start: the id and model are known, no text yet.
    expect(abandoned!.attributes['gen_ai.response.id']).toBe('msg_stub01');
    expect(json(abandoned!.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: '' }] }]);
  });

  it('ends a stream whose connection drops with ERROR', async () => {
    run.init({ instrument: { anthropic: Anthropic } });
    run.stub.enqueue({ sse: anthropicEvents(anthropicMessage({ model: MODEL, text: 'cut short here' })), dropAfter: 4 });
    let thrown: unknown;
    const { spans } = await run.inSession(async () => {
      const raw = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'x' }], stream: true });
      try {
        for await (const _ of raw) void _;
      } catch (err) {
        thrown = err;
      }
    });
    expect(thrown).toBeDefined();
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.ERROR);
    expect(llm.attributes['agentops.stream.outcome']).toBe('error');
    expect(only(llm.events.filter((e) => e.name === 'exception')).attributes['exception.message']).toBe((thrown as Error).message);
  });

  it.each([
    [429, 'RateLimitError', anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit')],
    [500, 'InternalServerError', anthropicError(500, 'api_error', 'Internal server error')],
  ])('marks an HTTP %i failure ERROR and rethrows the SDK error unchanged', async (status, className, reply) => {
    run.init({ instrument: { anthropic: Anthropic } });
    run.stub.enqueue(reply);
    let thrown: unknown;
    const { spans } = await run.inSession(async () => {
      thrown = await client.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }).then(
        () => undefined,
        (err: unknown) => err,
      );
    });
    expect(thrown).toBeInstanceOf((Anthropic as unknown as Record<string, new () => Error>)[className]!);
    expect((thrown as { status: number }).status).toBe(status);
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.ERROR);
    expect(llm.attributes['error.type']).toBe(String(status));
    expect(only(llm.events.filter((e) => e.name === 'exception')).attributes['exception.type']).toBe(className);
  });

  it('instruments one client instance, once, and records no content when capture is off', async () => {
    // No automatic patching (the class is loaded already and would be patched): only what instrument() is handed.
    run.init({ captureContent: false, instrument: false });
    agentops.instrument(client);
    agentops.instrument(client);
    const other = new Anthropic({ baseURL: run.stub.url, apiKey: 'sk-ant-test', maxRetries: 0, openTelemetry: false });
    const { spans } = await run.inSession(async () => {
      await client.messages.create({ model: MODEL, max_tokens: 16, system: 'system secret', messages: [{ role: 'user', content: 'prompt secret' }] });
      const s = client.messages.stream({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'stream secret' }] });
      await s.finalMessage();
      // Another instance of the class is not patched.
      await other.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'untracked' }] });
    });
    expect(llmSpans(spans)).toHaveLength(2);
    const text = allText(spans);
    for (const secret of ['secret', 'You said']) expect(text).not.toContain(secret);
  });
});
