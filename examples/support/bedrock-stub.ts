/**
 * A loopback stand-in for the Amazon Bedrock Runtime HTTP API, so the real
 * `@aws-sdk/client-bedrock-runtime` client runs without network or an AWS account. It speaks HTTP/2
 * (cleartext), as Bedrock and the client's default request handler do. The client signs
 * its requests (SigV4) with whatever static credentials it is given; the stub does not check them.
 * It answers as Bedrock does: JSON for `Converse` and `InvokeModel` (whose body is the model's own
 * JSON: Anthropic Claude, Amazon Nova, Meta Llama), the binary AWS event stream
 * (`application/vnd.amazon.eventstream`) for `ConverseStream` and `InvokeModelWithResponseStream`,
 * and errors with the `x-amzn-errortype` header the SDK maps to its exception classes. Replies can be
 * scripted one by one: an error, a stream that drops its connection after some events, or one that
 * stays open.
 *
 *   const stub = await BedrockStub.start();
 *   const client = new BedrockRuntimeClient({ ...BedrockStub.clientConfig, endpoint: stub.url });
 */
import { constants, createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { anthropicEvents, anthropicMessage } from './llm-stub';

type Json = Record<string, unknown>;

/** One event-stream message: an event of a type (`messageStart`, `chunk`), or an exception. */
export interface BedrockEvent {
  type: string;
  data: unknown;
  exception?: boolean;
}

export interface BedrockReply {
  status?: number;
  /** The error's shape (`ThrottlingException`), sent as `x-amzn-errortype`: the SDK throws its class of that name. */
  errorType?: string;
  json?: unknown;
  events?: BedrockEvent[];
  /** Send this many events, then cut the connection. */
  dropAfter?: number;
  /** Send this many events, then keep the connection open until the client goes away. */
  hangAfter?: number;
  headers?: Record<string, string>;
}

export type BedrockOperation = 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream';

export interface BedrockRequest {
  operation: BedrockOperation;
  modelId: string;
  headers: IncomingHttpHeaders;
  /** The request body's JSON (for InvokeModel, the model's own request). */
  body: Json;
  requestId: string;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export class BedrockStub {
  /** What a client needs besides `endpoint`: a Region, static (fake) credentials, and no retries. */
  static readonly clientConfig = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSTUBEXAMPLE', secretAccessKey: 'stub-secret-key' },
    maxAttempts: 1,
  } as const;

  readonly requests: BedrockRequest[] = [];
  private readonly queue: BedrockReply[] = [];
  private readonly sockets = new Set<Socket>();
  private count = 0;

  private constructor(private readonly server: Http2Server) {}

  static async start(): Promise<BedrockStub> {
    const server = createServer();
    const stub = new BedrockStub(server);
    server.on('request', (req, res) => void stub.handle(req, res));
    server.on('connection', (s) => {
      stub.sockets.add(s);
      s.on('close', () => stub.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests get these replies, in order; then the default answers resume. */
  enqueue(...replies: BedrockReply[]): void {
    this.queue.push(...replies);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Json = {};
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      body = text === '' ? {} : (JSON.parse(text) as Json);
    } catch {
      body = {};
    }
    const requestId = `b7e3c1a0-0000-4000-8000-${String(++this.count).padStart(12, '0')}`;
    const m = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/.exec((req.url ?? '/').split('?')[0]!);
    if (m === null) {
      await send(res, bedrockError(404, 'ResourceNotFoundException', `no stub for ${req.url ?? ''}`), requestId);
      return;
    }
    const request: BedrockRequest = { operation: m[2] as BedrockOperation, modelId: decodeURIComponent(m[1]!), headers: req.headers, body, requestId };
    this.requests.push(request);
    await send(res, this.queue.shift() ?? defaultReply(request), requestId);
  }
}

async function send(res: Http2ServerResponse, reply: BedrockReply, requestId: string): Promise<void> {
  const status = reply.status ?? 200;
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId, ...reply.headers };
  if (reply.errorType !== undefined) headers['x-amzn-errortype'] = `${reply.errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
  if (reply.events === undefined) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(reply.json ?? {}));
    return;
  }
  res.writeHead(status, { 'content-type': 'application/vnd.amazon.eventstream', ...headers });
  const limit = reply.dropAfter ?? reply.hangAfter ?? reply.events.length;
  for (const e of reply.events.slice(0, limit)) {
    await new Promise<void>((resolve) => res.write(frame(e), () => resolve()));
  }
  if (reply.dropAfter !== undefined) {
    // The HTTP/2 form of a connection cut mid-reply: the stream is reset.
    res.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  if (reply.hangAfter !== undefined) return; // the client's abort (or close()) ends it
  res.end();
}

/** One binary event-stream message, as Bedrock frames it. */
export function frame(e: BedrockEvent): Uint8Array {
  const s = (value: string) => ({ type: 'string' as const, value });
  const headers = { ':message-type': s(e.exception ? 'exception' : 'event'), [e.exception ? ':exception-type' : ':event-type']: s(e.type), ':content-type': s('application/json') };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(e.data)) });
}

// ---- default answers, built from the request ----

function defaultReply(r: BedrockRequest): BedrockReply {
  const b = r.body;
  switch (r.operation) {
    case 'converse':
    case 'converse-stream': {
      const text = lastUserText(b.messages);
      const tools = ((b.toolConfig as Json | undefined)?.tools as Json[] | undefined) ?? [];
      const spec = tools[0]?.toolSpec as Json | undefined;
      const result = lastToolResult(b.messages);
      const reply =
        result !== undefined
          ? converseReply({ text: `The tool says: ${result}` })
          : spec !== undefined
            ? converseReply({ text: 'Let me check.', toolUse: { toolUseId: 'tooluse_stub1', name: String(spec.name), input: { [firstParam(spec)]: text } } })
            : converseReply({ text: `You said: ${text}` });
      return r.operation === 'converse' ? { json: reply } : { events: converseStreamEvents(reply) };
    }
    case 'invoke':
    case 'invoke-with-response-stream': {
      const family = familyOf(r.modelId);
      const streamed = r.operation === 'invoke-with-response-stream';
      if (family === 'anthropic') {
        const message = anthropicBody(r.modelId, { text: `You said: ${lastUserText(b.messages)}` });
        return streamed ? { events: anthropicChunks(message) } : { json: message };
      }
      if (family === 'nova') {
        const reply = novaBody({ text: `You said: ${lastUserText(b.messages)}` });
        return streamed ? { events: novaChunks(reply) } : { json: reply };
      }
      if (family === 'llama') {
        const reply = llamaBody({ generation: `You said: ${String(b.prompt ?? '')}` });
        return streamed ? { events: llamaChunks(reply) } : { json: reply };
      }
      return bedrockError(400, 'ValidationException', `The provided model identifier is invalid: ${r.modelId}`);
    }
  }
}

function familyOf(modelId: string): 'anthropic' | 'nova' | 'llama' | undefined {
  const m = /^(?:[a-z-]+\.)?(anthropic\.|amazon\.nova|meta\.llama)/.exec(modelId);
  return m === null ? undefined : m[1] === 'anthropic.' ? 'anthropic' : m[1] === 'amazon.nova' ? 'nova' : 'llama';
}

function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Json;
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    const t = Array.isArray(m.content) ? (m.content as Json[]).find((p) => typeof p?.text === 'string') : undefined;
    if (t) return t.text as string;
  }
  return '';
}

/** The JSON of the tool result that ends the conversation, if it ends with one. */
function lastToolResult(messages: unknown): string | undefined {
  const last = Array.isArray(messages) ? (messages[messages.length - 1] as Json | undefined) : undefined;
  const block = Array.isArray(last?.content) ? (last.content as Json[]).find((p) => p?.toolResult !== undefined) : undefined;
  return block === undefined ? undefined : JSON.stringify((block.toolResult as Json).content);
}

function firstParam(spec: Json): string {
  const schema = (spec.inputSchema as Json | undefined)?.json as Json | undefined;
  const props = schema?.properties as Json | undefined;
  return props ? Object.keys(props)[0] ?? 'input' : 'input';
}

/** Words with their trailing space: how the stub splits text into stream deltas. */
function pieces(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

// ---- recorded shapes, usable in scripted replies ----

export interface ConverseUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** A Converse response: `output.message`, `stopReason`, `usage`, `metrics`. */
export function converseReply(o: { text?: string; toolUse?: { toolUseId: string; name: string; input: Json }; reasoning?: string; stopReason?: string; usage?: ConverseUsage }): Json {
  const content: Json[] = [];
  if (o.reasoning !== undefined) content.push({ reasoningContent: { reasoningText: { text: o.reasoning, signature: 'sig-stub' } } });
  if (o.text !== undefined) content.push({ text: o.text });
  if (o.toolUse) content.push({ toolUse: o.toolUse });
  const u = o.usage ?? { inputTokens: 21, outputTokens: 8 };
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: o.stopReason ?? (o.toolUse ? 'tool_use' : 'end_turn'),
    usage: { ...u, totalTokens: u.inputTokens + u.outputTokens + (u.cacheReadInputTokens ?? 0) + (u.cacheWriteInputTokens ?? 0) },
    metrics: { latencyMs: 120 },
  };
}

/** The ConverseStream events of a reply: messageStart, each block's start / deltas / stop, messageStop, metadata. */
export function converseStreamEvents(reply: Json): BedrockEvent[] {
  const message = (reply.output as Json).message as Json;
  const out: BedrockEvent[] = [{ type: 'messageStart', data: { role: 'assistant' } }];
  (message.content as Json[]).forEach((block, contentBlockIndex) => {
    if (typeof block.text === 'string') {
      for (const text of pieces(block.text)) out.push({ type: 'contentBlockDelta', data: { contentBlockIndex, delta: { text } } });
    } else if (block.toolUse !== undefined) {
      const t = block.toolUse as Json;
      out.push({ type: 'contentBlockStart', data: { contentBlockIndex, start: { toolUse: { toolUseId: t.toolUseId, name: t.name } } } });
      const json = JSON.stringify(t.input);
      const half = Math.ceil(json.length / 2);
      out.push({ type: 'contentBlockDelta', data: { contentBlockIndex, delta: { toolUse: { input: json.slice(0, half) } } } });
      out.push({ type: 'contentBlockDelta', data: { contentBlockIndex, delta: { toolUse: { input: json.slice(half) } } } });
    } else if (block.reasoningContent !== undefined) {
      const r = (block.reasoningContent as Json).reasoningText as Json;
      out.push({ type: 'contentBlockDelta', data: { contentBlockIndex, delta: { reasoningContent: { text: r.text } } } });
    }
    out.push({ type: 'contentBlockStop', data: { contentBlockIndex } });
  });
  out.push({ type: 'messageStop', data: { stopReason: reply.stopReason } });
  out.push({ type: 'metadata', data: { usage: reply.usage, metrics: reply.metrics } });
  return out;
}

/** A Bedrock exception reply: the status, the `x-amzn-errortype` header and `{ message }`. */
export function bedrockError(status: number, errorType: string, message: string): BedrockReply {
  return { status, errorType, json: { message } };
}

/** Claude's Messages API reply, as Bedrock returns it (`msg_bdrk_` ids, the model's own name). */
export function anthropicBody(modelId: string, o: { text?: string; toolUse?: { id: string; name: string; input: Json }; usage?: Json }): Json {
  const model = modelId.replace(/^(?:[a-z-]+\.)?anthropic\./, '').replace(/-v\d+(?::\d+)?$/, '');
  return { ...anthropicMessage({ model, id: 'msg_bdrk_01Stub', ...o }), model };
}

/** The InvokeModelWithResponseStream chunks of a streamed Claude reply; the last carries Bedrock's invocation metrics. */
export function anthropicChunks(message: Json): BedrockEvent[] {
  const usage = message.usage as Json;
  const events = anthropicEvents(message)
    .filter((e) => e.event !== 'ping')
    .map((e) => e.data as Json);
  const last = events[events.length - 1]!;
  last['amazon-bedrock-invocationMetrics'] = { inputTokenCount: usage.input_tokens, outputTokenCount: usage.output_tokens, invocationLatency: 310, firstByteLatency: 120 };
  return events.map(chunk);
}

/** Amazon Nova's native reply (the Converse shape; its cache counts named `...TokenCount`). */
export function novaBody(o: { text: string; stopReason?: string; usage?: { inputTokens: number; outputTokens: number; cacheReadInputTokenCount?: number } }): Json {
  const u = o.usage ?? { inputTokens: 17, outputTokens: 6 };
  return {
    output: { message: { role: 'assistant', content: [{ text: o.text }] } },
    stopReason: o.stopReason ?? 'end_turn',
    usage: { ...u, totalTokens: u.inputTokens + u.outputTokens + (u.cacheReadInputTokenCount ?? 0) },
  };
}

export function novaChunks(reply: Json): BedrockEvent[] {
  const text = (((reply.output as Json).message as Json).content as Json[])[0]!.text as string;
  const usage = reply.usage as Json;
  const events: Json[] = [{ messageStart: { role: 'assistant' } }];
  for (const piece of pieces(text)) events.push({ contentBlockDelta: { delta: { text: piece }, contentBlockIndex: 0 } });
  events.push({ contentBlockStop: { contentBlockIndex: 0 } }, { messageStop: { stopReason: reply.stopReason } });
  events.push({
    metadata: { usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }, metrics: {}, trace: {} },
    'amazon-bedrock-invocationMetrics': { inputTokenCount: usage.inputTokens, outputTokenCount: usage.outputTokens, invocationLatency: 240, firstByteLatency: 90 },
  });
  return events.map(chunk);
}

/** Meta Llama's native reply. */
export function llamaBody(o: { generation: string; promptTokens?: number; generationTokens?: number; stopReason?: string }): Json {
  return { generation: o.generation, prompt_token_count: o.promptTokens ?? 19, generation_token_count: o.generationTokens ?? 5, stop_reason: o.stopReason ?? 'stop' };
}

export function llamaChunks(reply: Json): BedrockEvent[] {
  const words = pieces(reply.generation as string);
  const events: Json[] = words.map((generation, i) => ({
    generation,
    prompt_token_count: i === 0 ? reply.prompt_token_count : null,
    generation_token_count: i + 1,
    stop_reason: null,
  }));
  events.push({
    generation: '',
    prompt_token_count: null,
    generation_token_count: reply.generation_token_count,
    stop_reason: reply.stop_reason,
    'amazon-bedrock-invocationMetrics': { inputTokenCount: reply.prompt_token_count, outputTokenCount: reply.generation_token_count, invocationLatency: 200, firstByteLatency: 80 },
  });
  return events.map(chunk);
}

/** One InvokeModelWithResponseStream event: the model's stream JSON as base64 `bytes`. */
export function chunk(json: Json): BedrockEvent {
  return { type: 'chunk', data: { bytes: Buffer.from(JSON.stringify(json)).toString('base64') } };
}
