/**
 * Acceptance (issue: providers, AWS Bedrock Runtime): the real `@aws-sdk/client-bedrock-runtime`
 * client, current 3.x and 3.925, signing its requests with static fake credentials, against a
 * loopback stub of the Bedrock Runtime API (JSON, and the binary AWS event stream): Converse,
 * ConverseStream, InvokeModel and InvokeModelWithResponseStream (Anthropic, Amazon Nova and Meta
 * Llama bodies), called with `client.send(new XCommand())`, through the aggregated `BedrockRuntime`
 * client and with a callback, each yield exactly one `chat {model}` CLIENT span in the session,
 * with `gen_ai.provider.name=aws.bedrock`, parameters, usage, finish reasons, messages and cost;
 * streams end their span when read to the end, left early or failed; throttling (429) and server
 * errors (500) mark the span and reach the caller unchanged; nothing of the content is recorded
 * with capture off.
 */
import * as current from '@aws-sdk/client-bedrock-runtime';
import { context } from '@opentelemetry/api';
import { ATTR_AWS_BEDROCK_GUARDRAIL_ID } from '@opentelemetry/semantic-conventions/incubating';
import * as v3925 from 'bedrock-runtime-v3-925';
import * as agentops from '../src';
import { SUPPRESS_LLM_SPAN_KEY } from '../src/integrations/shared/suppress';
import { allText, InstrumentedRun, json, llmSpans, only, SpanKindCode, StatusCode } from './helpers/instrumented-run';
import {
  anthropicBody,
  anthropicChunks,
  BedrockStub,
  bedrockError,
  converseReply,
  converseStreamEvents,
  llamaBody,
  llamaChunks,
  novaBody,
  novaChunks,
  type BedrockEvent,
} from '../../../testing/bedrock-stub';

type Sdk = typeof current;

const VERSIONS: Array<[string, Sdk]> = [
  ['client-bedrock-runtime 3.x (current)', current],
  ['client-bedrock-runtime 3.925', v3925 as unknown as Sdk],
];

const CLAUDE = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const NOVA = 'us.amazon.nova-lite-v1:0';
const LLAMA = 'meta.llama3-1-8b-instruct-v1:0';
const utf8 = new TextDecoder();

const WEATHER_TOOL = { toolSpec: { name: 'get_weather', description: 'Current weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } };

/** What the caller's loop sees of a stream of `chunk` events: the decoded JSON of each. */
function decodeChunks(events: unknown[]): unknown[] {
  return events.map((e) => JSON.parse(utf8.decode((e as { chunk: { bytes: Uint8Array } }).chunk.bytes)) as unknown);
}

function sentChunks(events: BedrockEvent[]): unknown[] {
  return events.map((e) => JSON.parse(Buffer.from((e.data as { bytes: string }).bytes, 'base64').toString('utf8')) as unknown);
}

describe.each(VERSIONS)('%s', (_label, sdk) => {
  let run: InstrumentedRun;
  let stub: BedrockStub;
  let client: InstanceType<Sdk['BedrockRuntimeClient']>;

  beforeEach(async () => {
    [run, stub] = await Promise.all([InstrumentedRun.start(), BedrockStub.start()]);
    run.init({ instrument: { bedrock: sdk.BedrockRuntimeClient } });
    client = new sdk.BedrockRuntimeClient({ ...BedrockStub.clientConfig, endpoint: stub.url });
  });

  afterEach(async () => {
    client.destroy();
    await Promise.all([run.close(), stub.close()]);
  });

  it('records Converse as one CLIENT span in the session: parameters, guardrail, usage with cache, finish reason, messages, cost', async () => {
    const reply = converseReply({
      text: 'Let me look.',
      toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } },
      usage: { inputTokens: 14, outputTokens: 9, cacheReadInputTokens: 4, cacheWriteInputTokens: 2 },
    });
    stub.enqueue({ json: reply });
    let res: current.ConverseCommandOutput | undefined;
    const { session, spans } = await run.inSession(async () => {
      res = await client.send(
        new sdk.ConverseCommand({
          modelId: CLAUDE,
          system: [{ text: 'You are a weather bot.' }],
          messages: [{ role: 'user', content: [{ text: 'Weather in Paris?' }] }],
          inferenceConfig: { maxTokens: 256, temperature: 0.3, topP: 0.9, stopSequences: ['END'] },
          additionalModelRequestFields: { top_k: 40 },
          toolConfig: { tools: [WEATHER_TOOL] },
          guardrailConfig: { guardrailIdentifier: 'gr-stub-1', guardrailVersion: '1' },
        }),
      );
    });
    // The caller gets the reply as Bedrock sent it.
    expect(res?.output).toEqual(reply.output);
    expect(res?.stopReason).toBe('tool_use');
    expect(stub.requests[0]).toMatchObject({ operation: 'converse', modelId: CLAUDE });
    const llm = only(llmSpans(spans));
    expect(llm.name).toBe(`chat ${CLAUDE}`);
    expect(llm.kind).toBe(SpanKindCode.CLIENT);
    expect(llm.traceId).toBe(session.traceId);
    expect(llm.status.code).toBe(StatusCode.UNSET);
    expect(llm.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': CLAUDE,
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.stop_sequences': ['END'],
      [ATTR_AWS_BEDROCK_GUARDRAIL_ID]: 'gr-stub-1',
      // Converse has no reply id: Bedrock's request id names the call.
      'gen_ai.response.id': res?.$metadata.requestId,
      'gen_ai.response.finish_reasons': ['tool_use'],
      // 14 uncached + 4 read from the cache + 2 written to it: the conventions count every input token.
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.cache_read.input_tokens': 4,
      'gen_ai.usage.cache_creation.input_tokens': 2,
      'gen_ai.usage.output_tokens': 9,
    });
    expect(llm.attributes['gen_ai.response.id']).toMatch(/^b7e3c1a0-/);
    expect(llm.attributes['gen_ai.request.stream']).toBeUndefined();
    // The Bedrock id prices as Claude 3.5 Haiku: $0.80 input, $0.08 cache read, $1 cache write, $4 output per million.
    expect(llm.attributes['agentops.llm.cost_usd']).toBeCloseTo((14 * 0.8 + 4 * 0.08 + 2 * 1 + 9 * 4) / 1e6, 12);
    expect(json(llm.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'You are a weather bot.' }]);
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Let me look.' },
          { type: 'tool_call', id: 'tooluse_1', name: 'get_weather', arguments: { city: 'Paris' } },
        ],
        finish_reason: 'tool_use',
      },
    ]);
  });

  it('records the aggregated client (BedrockRuntime.converse) and a callback send once each, with tool results and an inference profile id', async () => {
    const agg = new sdk.BedrockRuntime({ ...BedrockStub.clientConfig, endpoint: stub.url });
    const messages: current.Message[] = [
      { role: 'user', content: [{ text: 'Weather in Lima?' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: { city: 'Lima' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_2', content: [{ json: { sky: 'clear', celsius: 19 } }] } }] },
    ];
    let text: string | undefined;
    let viaCallback: unknown;
    const { spans } = await run.inSession(async () => {
      const res = await agg.converse({ modelId: NOVA, messages, toolConfig: { tools: [WEATHER_TOOL] } });
      text = res.output?.message?.content?.[0]?.text;
      viaCallback = await new Promise((resolve, reject) => {
        client.send(new sdk.ConverseCommand({ modelId: NOVA, messages: [{ role: 'user', content: [{ text: 'by callback' }] }] }), (err: unknown, data?: current.ConverseCommandOutput) =>
          err ? reject(err as Error) : resolve(data?.output),
        );
      });
    });
    agg.destroy();
    expect(text).toBe('The tool says: [{"json":{"sky":"clear","celsius":19}}]');
    expect(viaCallback).toEqual({ message: { role: 'assistant', content: [{ text: 'You said: by callback' }] } });
    const llm = llmSpans(spans);
    expect(llm.map((s) => s.name)).toEqual([`chat ${NOVA}`, `chat ${NOVA}`]);
    const [first, second] = llm.sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(first!.attributes['gen_ai.request.model']).toBe(NOVA);
    expect(json(first!.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Lima?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'tooluse_2', name: 'get_weather', arguments: { city: 'Lima' } }] },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 'tooluse_2', response: { sky: 'clear', celsius: 19 } }] },
    ]);
    expect(first!.attributes['gen_ai.usage.input_tokens']).toBe(21);
    expect(json(second!.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'You said: by callback' }], finish_reason: 'end_turn' }]);
    // No price for Nova in the table: no cost rather than a guess.
    expect(first!.attributes['agentops.llm.cost_usd']).toBeUndefined();
  });

  it('streams ConverseStream: the caller reads the very events Bedrock sent; the span assembles text, tool call, usage', async () => {
    const reply = converseReply({ text: 'Checking the sky now.', toolUse: { toolUseId: 'tooluse_3', name: 'get_weather', input: { city: 'Oslo' } }, usage: { inputTokens: 30, outputTokens: 12 } });
    stub.enqueue({ events: converseStreamEvents(reply) });
    const events: unknown[] = [];
    let res: current.ConverseStreamCommandOutput | undefined;
    const { spans } = await run.inSession(async () => {
      res = await client.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'Oslo?' }] }], inferenceConfig: { maxTokens: 64 } }));
      for await (const e of res.stream!) events.push(e);
    });
    expect(events).toEqual(converseStreamEvents(reply).map((e) => ({ [e.type]: e.data })));
    const llm = only(llmSpans(spans));
    expect(llm.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': CLAUDE,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': res?.$metadata.requestId,
      'gen_ai.response.finish_reasons': ['tool_use'],
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 12,
      'agentops.stream.outcome': 'completed',
    });
    expect(llm.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    expect(llm.attributes['agentops.llm.cost_usd']).toBeCloseTo((30 * 0.8 + 12 * 4) / 1e6, 12);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Checking the sky now.' },
          { type: 'tool_call', id: 'tooluse_3', name: 'get_weather', arguments: { city: 'Oslo' } },
        ],
        finish_reason: 'tool_use',
      },
    ]);
  });

  it('ends the span of a ConverseStream left after 2 events (the connection still open), with the partial output', async () => {
    stub.enqueue({ events: converseStreamEvents(converseReply({ text: 'one two three four five' })), hangAfter: 4 });
    const { spans } = await run.inSession(async () => {
      const res = await client.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'count' }] }] }));
      let n = 0;
      for await (const _ of res.stream!) {
        void _;
        if (++n === 2) break;
      }
    });
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.UNSET);
    expect(llm.attributes['agentops.stream.outcome']).toBe('cancelled');
    // messageStart and the first delta were read.
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'one ' }] }]);
    expect(llm.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
  });

  it('keeps abortSignal working: the stream stops quietly, as without agentops, and the span ends as aborted', async () => {
    stub.enqueue({ events: converseStreamEvents(converseReply({ text: 'one two three four five' })), hangAfter: 4 });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const { spans } = await run.inSession(async () => {
      const res = await client.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'count' }] }] }), { abortSignal: controller.signal });
      for await (const e of res.stream!) {
        seen.push(e);
        if (seen.length === 2) controller.abort();
      }
    });
    expect(seen).toHaveLength(2);
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.UNSET);
    expect(llm.attributes['agentops.stream.outcome']).toBe('aborted');
  });

  it('ends a stream that fails mid-way (a modelStreamErrorException event) with ERROR; the caller sees the same error', async () => {
    const events = converseStreamEvents(converseReply({ text: 'cut short here' })).slice(0, 3);
    events.push({ type: 'modelStreamErrorException', exception: true, data: { message: 'The model stream failed', originalStatusCode: 500 } });
    stub.enqueue({ events });
    let thrown: unknown;
    const { spans } = await run.inSession(async () => {
      const res = await client.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'x' }] }] }));
      try {
        for await (const _ of res.stream!) void _;
      } catch (err) {
        thrown = err;
      }
    });
    expect(thrown).toBeInstanceOf(sdk.ModelStreamErrorException);
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.ERROR);
    expect(llm.attributes['agentops.stream.outcome']).toBe('error');
    expect(llm.attributes['error.type']).toBe('ModelStreamErrorException');
    expect(only(llm.events.filter((e) => e.name === 'exception')).attributes['exception.message']).toBe((thrown as Error).message);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'cut short ' }] }]);
  });

  it('records InvokeModel with an Anthropic body: its parameters, messages, reply id, model, usage and cost', async () => {
    const reply = anthropicBody(CLAUDE, { text: 'Sunny.', usage: { input_tokens: 11, cache_read_input_tokens: 5, cache_creation_input_tokens: 0, output_tokens: 3 } });
    stub.enqueue({ json: reply });
    let body: unknown;
    const { spans } = await run.inSession(async () => {
      const res = await client.send(
        new sdk.InvokeModelCommand({
          modelId: CLAUDE,
          contentType: 'application/json',
          body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 128, temperature: 0.5, system: 'Answer in one word.', messages: [{ role: 'user', content: 'Weather?' }] }),
        }),
      );
      body = JSON.parse(utf8.decode(res.body));
    });
    expect(body).toEqual(reply);
    const llm = only(llmSpans(spans));
    expect(llm.name).toBe(`chat ${CLAUDE}`);
    expect(llm.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': CLAUDE,
      'gen_ai.request.max_tokens': 128,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.response.id': 'msg_bdrk_01Stub',
      'gen_ai.response.model': 'claude-3-5-haiku-20241022',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 16,
      'gen_ai.usage.cache_read.input_tokens': 5,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(llm.attributes['agentops.llm.cost_usd']).toBeCloseTo((11 * 0.8 + 5 * 0.08 + 3 * 4) / 1e6, 12);
    expect(json(llm.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Answer in one word.' }]);
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather?' }] }]);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny.' }], finish_reason: 'end_turn' }]);
  });

  it('records InvokeModel with an Amazon Nova body (inference profile id, inferenceConfig, bytes body)', async () => {
    stub.enqueue({ json: novaBody({ text: 'Hello from Nova.', usage: { inputTokens: 9, outputTokens: 4, cacheReadInputTokenCount: 3 } }) });
    let requestId: string | undefined;
    const { spans } = await run.inSession(async () => {
      const res = await client.send(
        new sdk.InvokeModelCommand({
          modelId: NOVA,
          body: new TextEncoder().encode(
            JSON.stringify({
              schemaVersion: 'messages-v1',
              system: [{ text: 'Be kind.' }],
              messages: [{ role: 'user', content: [{ text: 'Hi Nova' }] }],
              inferenceConfig: { max_new_tokens: 100, temperature: 0.7, topP: 0.8, stopSequences: ['STOP'] },
            }),
          ),
        }),
      );
      requestId = res.$metadata.requestId;
    });
    const llm = only(llmSpans(spans));
    expect(llm.name).toBe(`chat ${NOVA}`);
    expect(llm.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': NOVA,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 0.8,
      'gen_ai.request.stop_sequences': ['STOP'],
      'gen_ai.response.id': requestId,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.cache_read.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
    });
    expect(json(llm.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Be kind.' }]);
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Hi Nova' }] }]);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello from Nova.' }], finish_reason: 'end_turn' }]);
  });

  it('records InvokeModel with a Meta Llama body (prompt, max_gen_len, token counts)', async () => {
    stub.enqueue({ json: llamaBody({ generation: 'Paris.', promptTokens: 23, generationTokens: 2, stopReason: 'stop' }) });
    const { spans } = await run.inSession(async () => {
      await client.send(new sdk.InvokeModelCommand({ modelId: LLAMA, body: JSON.stringify({ prompt: 'Capital of France?', max_gen_len: 32, temperature: 0.1, top_p: 0.95 }) }));
    });
    const llm = only(llmSpans(spans));
    expect(llm.name).toBe(`chat ${LLAMA}`);
    expect(llm.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.max_tokens': 32,
      'gen_ai.request.temperature': 0.1,
      'gen_ai.request.top_p': 0.95,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 23,
      'gen_ai.usage.output_tokens': 2,
    });
    expect(json(llm.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] }]);
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finish_reason: 'stop' }]);
  });

  it('streams InvokeModelWithResponseStream with an Anthropic body: the caller reads the very chunks sent; the span assembles the message', async () => {
    const message = anthropicBody(CLAUDE, { text: 'Streaming from Claude.' });
    const sent = anthropicChunks(message);
    stub.enqueue({ events: sent });
    const chunks: unknown[] = [];
    const { spans } = await run.inSession(async () => {
      const res = await client.send(
        new sdk.InvokeModelWithResponseStreamCommand({
          modelId: CLAUDE,
          body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: 'stream please' }] }),
        }),
      );
      for await (const e of res.body!) chunks.push(e);
    });
    expect(decodeChunks(chunks)).toEqual(sentChunks(sent));
    const llm = only(llmSpans(spans));
    expect(llm.attributes).toMatchObject({
      'gen_ai.request.model': CLAUDE,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'msg_bdrk_01Stub',
      'gen_ai.response.model': 'claude-3-5-haiku-20241022',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 18,
      'gen_ai.usage.output_tokens': 9,
      'agentops.stream.outcome': 'completed',
    });
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Streaming from Claude.' }], finish_reason: 'end_turn' }]);
  });

  it.each([
    ['Amazon Nova', NOVA, { messages: [{ role: 'user', content: [{ text: 'hi' }] }], inferenceConfig: { maxTokens: 50 } }, novaChunks(novaBody({ text: 'Nova streams too.', usage: { inputTokens: 7, outputTokens: 4 } })), 'Nova streams too.', 'end_turn', [7, 4]],
    ['Meta Llama', LLAMA, { prompt: 'hi', max_gen_len: 50 }, llamaChunks(llamaBody({ generation: 'Llama streams too.', promptTokens: 8, generationTokens: 4 })), 'Llama streams too.', 'stop', [8, 4]],
  ])('streams InvokeModelWithResponseStream with a %s body', async (_family, modelId, request, sent, text, finish, [input, output]) => {
    stub.enqueue({ events: sent });
    const chunks: unknown[] = [];
    const { spans } = await run.inSession(async () => {
      const res = await client.send(new sdk.InvokeModelWithResponseStreamCommand({ modelId, body: JSON.stringify(request) }));
      for await (const e of res.body!) chunks.push(e);
    });
    expect(decodeChunks(chunks)).toEqual(sentChunks(sent));
    const llm = only(llmSpans(spans));
    expect(llm.attributes).toMatchObject({
      'gen_ai.request.model': modelId,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.response.finish_reasons': [finish],
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': output,
      'agentops.stream.outcome': 'completed',
    });
    expect(json(llm.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finish }]);
  });

  it.each([
    [429, 'ThrottlingException', 'Too many requests, please wait before trying again.'],
    [500, 'InternalServerException', 'The server encountered an internal error.'],
  ])('marks a %i (%s) failed: ERROR, error.type, an exception event; the caller gets the SDK error unchanged', async (status, errorType, message) => {
    stub.enqueue(bedrockError(status, errorType, message), bedrockError(status, errorType, message));
    const thrown: unknown[] = [];
    const { spans } = await run.inSession(async () => {
      await client.send(new sdk.ConverseCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'hi' }] }] })).catch((err: unknown) => thrown.push(err));
      await client.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'hi' }] }] })).catch((err: unknown) => thrown.push(err));
    });
    expect(thrown).toHaveLength(2);
    for (const err of thrown) {
      expect(err).toBeInstanceOf((sdk as unknown as Record<string, new () => Error>)[errorType]);
      expect((err as Error).message).toBe(message);
    }
    const llm = llmSpans(spans);
    expect(llm).toHaveLength(2);
    for (const s of llm) {
      expect(s.status.code).toBe(StatusCode.ERROR);
      expect(s.attributes['error.type']).toBe(errorType);
      expect(s.attributes['http.response.status_code']).toBe(status);
      const exception = only(s.events.filter((e) => e.name === 'exception'));
      expect(exception.attributes).toMatchObject({ 'exception.type': errorType, 'exception.message': message });
    }
  });

  it('records one span for a call the client retried (500 then 200)', async () => {
    const retrying = new sdk.BedrockRuntimeClient({ ...BedrockStub.clientConfig, maxAttempts: 2, endpoint: stub.url });
    stub.enqueue(bedrockError(500, 'InternalServerException', 'try again'));
    const { spans } = await run.inSession(async () => {
      await retrying.send(new sdk.ConverseCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'again' }] }] }));
    });
    retrying.destroy();
    expect(stub.requests).toHaveLength(2);
    const llm = only(llmSpans(spans));
    expect(llm.status.code).toBe(StatusCode.UNSET);
    expect(llm.attributes['gen_ai.usage.output_tokens']).toBe(8);
  });

  it('records commands that are not model calls not at all, and nothing inside a layer that already records the call', async () => {
    const { spans } = await run.inSession(async () => {
      await client.send(new sdk.ListAsyncInvokesCommand({})).catch(() => undefined);
      const suppressed = context.active().setValue(SUPPRESS_LLM_SPAN_KEY, true);
      await context.with(suppressed, () => client.send(new sdk.ConverseCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'inner' }] }] })));
      await client.send(new sdk.ConverseCommand({ modelId: NOVA, messages: [{ role: 'user', content: [{ text: 'outer' }] }] }));
    });
    expect(stub.requests.map((r) => r.modelId)).toEqual([CLAUDE, NOVA]);
    // Only the last call, made outside the suppressing layer.
    expect(only(llmSpans(spans)).name).toBe(`chat ${NOVA}`);
  });

  it('never doubles a span: instrumenting the class again and the client instance is a no-op', async () => {
    agentops.instrument(sdk.BedrockRuntimeClient);
    agentops.instrument(sdk);
    agentops.instrument(client);
    const { spans } = await run.inSession(async () => {
      await client.send(new sdk.ConverseCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'once' }] }] }));
    });
    expect(llmSpans(spans)).toHaveLength(1);
  });

  it('records no prompt, completion, system instruction, tool argument or tool result with content capture off', async () => {
    await run.close();
    run = await InstrumentedRun.start();
    run.init({ instrument: { bedrock: sdk }, captureContent: false });
    stub.enqueue(
      { json: converseReply({ text: 'reply secret one', toolUse: { toolUseId: 't1', name: 'lookup', input: { q: 'argument secret' } } }) },
      { events: converseStreamEvents(converseReply({ text: 'streamed secret answer' })) },
      { json: anthropicBody(CLAUDE, { text: 'invoke secret answer' }) },
      { events: anthropicChunks(anthropicBody(CLAUDE, { text: 'chunked secret answer' })) },
    );
    const session = agentops.startSession();
    await session.run(async () => {
      await client.send(
        new sdk.ConverseCommand({
          modelId: CLAUDE,
          system: [{ text: 'instruction secret' }],
          messages: [
            { role: 'user', content: [{ text: 'prompt secret one' }] },
            { role: 'assistant', content: [{ toolUse: { toolUseId: 't0', name: 'lookup', input: { q: 'earlier argument secret' } } }] },
            { role: 'user', content: [{ toolResult: { toolUseId: 't0', content: [{ text: 'result secret' }] } }] },
          ],
        }),
      );
      const s = await client.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'prompt secret two' }] }] }));
      for await (const _ of s.stream!) void _;
      await client.send(new sdk.InvokeModelCommand({ modelId: CLAUDE, body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 9, system: 'instruction secret', messages: [{ role: 'user', content: 'prompt secret three' }] }) }));
      const c = await client.send(new sdk.InvokeModelWithResponseStreamCommand({ modelId: CLAUDE, body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 9, messages: [{ role: 'user', content: 'prompt secret four' }] }) }));
      for await (const _ of c.body!) void _;
    });
    session.end();
    const spans = await run.spans();
    expect(llmSpans(spans)).toHaveLength(4);
    const text = allText(spans);
    for (const secret of ['secret']) expect(text).not.toContain(secret);
    // Metadata is still recorded.
    for (const s of llmSpans(spans)) {
      expect(s.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number));
      expect(s.attributes['gen_ai.response.finish_reasons']).toEqual(expect.any(Array));
    }
  });
});

describe('client-bedrock-runtime in a bundle that renamed its classes', () => {
  /** Gives `fn` another `name`, as a minifier does; returns how to undo it. */
  function rename(fn: object, name: string): () => void {
    const own = Object.getOwnPropertyDescriptor(fn, 'name')!;
    Object.defineProperty(fn, 'name', { value: name, configurable: true });
    return () => Object.defineProperty(fn, 'name', own);
  }

  it('knows the aggregated client by its methods, a client by its service id and a command by its operation schema', async () => {
    const stub = await BedrockStub.start();
    const open: InstrumentedRun[] = [];
    const undo = [rename(current.BedrockRuntime, 'a'), rename(current.BedrockRuntimeClient, 'b'), rename(current.ConverseCommand, 'c')];
    const client = new current.BedrockRuntimeClient({ ...BedrockStub.clientConfig, endpoint: stub.url });
    try {
      // Handed the aggregated class: every client is patched, through the class it extends.
      open.push(await InstrumentedRun.start());
      open[0]!.init({ instrument: { bedrock: current.BedrockRuntime } });
      const first = await open[0]!.inSession(async () => {
        await client.send(new current.ConverseCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'bundled class' }] }] }));
      });
      await open.shift()!.close();
      // Handed one client instance.
      open.push(await InstrumentedRun.start());
      open[0]!.init({ instrument: false });
      agentops.instrument(client);
      const second = await open[0]!.inSession(async () => {
        await client.send(new current.ConverseCommand({ modelId: NOVA, messages: [{ role: 'user', content: [{ text: 'bundled instance' }] }] }));
      });
      expect(llmSpans(first.spans).map((s) => s.name)).toEqual([`chat ${CLAUDE}`]);
      expect(llmSpans(second.spans).map((s) => s.name)).toEqual([`chat ${NOVA}`]);
    } finally {
      for (const u of undo) u();
      for (const r of open) await r.close();
      client.destroy();
      await stub.close();
    }
  });
});
