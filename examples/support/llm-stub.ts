/**
 * A loopback stand-in for the OpenAI, Anthropic and Gemini HTTP APIs (the Gemini answers are in
 * genai-stub.ts), so the real client libraries can run without network or keys. It answers with the
 * shapes the real APIs return (plain JSON and SSE streams, tool calls, errors) and can be scripted
 * reply by reply: a status and error body, a stream that drops its connection after some events, or
 * one that stays open.
 *
 *   const stub = await LlmStub.start();
 *   const openai = new OpenAI({ baseURL: stub.openaiBaseURL, apiKey: 'test' });
 *   const anthropic = new Anthropic({ baseURL: stub.url, apiKey: 'test' });
 *   const ai = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: stub.url } });
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { geminiReply } from './genai-stub';

export interface SseEvent {
  /** The `event:` line; omitted for OpenAI chat chunks. */
  event?: string;
  /** An object (sent as JSON) or raw text such as `[DONE]`. */
  data: unknown;
}

export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  sse?: SseEvent[];
  /** Send this many SSE events, then cut the connection. */
  dropAfter?: number;
  /** Send this many SSE events, then keep the connection open until the client goes away. */
  hangAfter?: number;
}

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

type Json = Record<string, unknown>;

export class LlmStub {
  readonly requests: StubRequest[] = [];
  private readonly queue: StubReply[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<LlmStub> {
    const server = createServer();
    const stub = new LlmStub(server);
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

  /** For `new OpenAI({ baseURL })`. Anthropic's client takes `url` itself. */
  get openaiBaseURL(): string {
    return `${this.url}/v1`;
  }

  /** The next requests get these replies, in order; then the default answers resume. */
  enqueue(...replies: StubReply[]): void {
    this.queue.push(...replies);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Json = {};
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      body = text === '' ? {} : (JSON.parse(text) as Json);
    } catch {
      body = {};
    }
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    const reply = this.queue.shift() ?? defaultReply(path, body);
    await send(res, reply, path);
  }
}

async function send(res: ServerResponse, reply: StubReply, path: string): Promise<void> {
  const status = reply.status ?? 200;
  if (reply.sse === undefined) {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_stub', ...reply.headers });
    res.end(JSON.stringify(reply.json ?? {}));
    return;
  }
  res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': 'req_stub', ...reply.headers });
  const limit = reply.dropAfter ?? reply.hangAfter ?? reply.sse.length;
  const events = reply.sse.slice(0, limit);
  for (const e of events) {
    const data = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
    await new Promise<void>((resolve) => res.write(`${e.event !== undefined ? `event: ${e.event}\n` : ''}data: ${data}\n\n`, () => resolve()));
  }
  if (reply.dropAfter !== undefined) {
    res.socket?.destroy();
    return;
  }
  if (reply.hangAfter !== undefined) return; // the client's abort (or close()) ends it
  if (path.endsWith('/chat/completions') && !events.some((e) => e.data === '[DONE]')) res.write('data: [DONE]\n\n');
  res.end();
}

// ---- default answers, built from the request ----

function defaultReply(path: string, body: Json): StubReply {
  if (path.endsWith('/chat/completions')) {
    const text = lastUserText(body.messages);
    const tool = wantsTool(body) ? toolCallFor(body.tools, text) : undefined;
    const options = { model: String(body.model ?? 'gpt-4o-mini'), content: tool ? null : `You said: ${text}`, toolCalls: tool ? [tool] : undefined };
    if (body.stream === true) {
      const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
      return { sse: openaiChatChunks({ ...options, includeUsage }) };
    }
    return { json: openaiChatCompletion(options) };
  }
  if (path.endsWith('/responses')) {
    const text = typeof body.input === 'string' ? body.input : lastUserText(body.input);
    const tool = Array.isArray(body.tools) && body.tools.length > 0 && !hasItem(body.input, 'function_call_output') ? toolCallFor(body.tools, text) : undefined;
    const response = openaiResponse({ model: String(body.model ?? 'gpt-4o-mini'), text: tool ? undefined : `You said: ${text}`, functionCall: tool });
    return body.stream === true ? { sse: openaiResponseEvents(response) } : { json: response };
  }
  if (path.endsWith('/embeddings')) {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    return { json: openaiEmbeddings(String(body.model ?? 'text-embedding-3-small'), inputs.length, body.encoding_format === 'base64') };
  }
  if (path.endsWith('/messages')) {
    const text = lastUserText(body.messages);
    const tools = Array.isArray(body.tools) && body.tools.length > 0 && !lastIsToolResult(body.messages) ? body.tools : undefined;
    const tool = tools ? anthropicToolUseFor(tools, text) : undefined;
    const message = anthropicMessage({ model: String(body.model ?? 'claude-haiku-4-5'), text: tool ? 'Let me check.' : `You said: ${text}`, toolUse: tool });
    return body.stream === true ? { sse: anthropicEvents(message) } : { json: message };
  }
  const gemini = geminiReply(path, body);
  if (gemini !== undefined) return gemini;
  return { status: 404, json: { error: { message: `no stub for ${path}`, type: 'invalid_request_error' } } };
}

function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Json;
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      const t = (m.content as Json[]).find((p) => typeof p?.text === 'string');
      if (t) return t.text as string;
    }
  }
  return '';
}

function wantsTool(body: Json): boolean {
  if (!Array.isArray(body.tools) || body.tools.length === 0 || body.tool_choice === 'none') return false;
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  return messages[messages.length - 1]?.role !== 'tool';
}

function hasItem(input: unknown, type: string): boolean {
  return Array.isArray(input) && input.some((i) => (i as Json)?.type === type);
}

function lastIsToolResult(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  const last = messages[messages.length - 1] as Json | undefined;
  return Array.isArray(last?.content) && (last.content as Json[]).some((p) => p?.type === 'tool_result');
}

/** A call of the first tool, filling its first parameter with the user's text. */
function toolCallFor(tools: unknown, text: string): { id: string; name: string; arguments: string } {
  const t = (tools as Json[])[0] ?? {};
  const fn = (t.function as Json | undefined) ?? t;
  const params = (fn.parameters as Json | undefined)?.properties as Json | undefined;
  const key = params ? Object.keys(params)[0] ?? 'input' : 'input';
  return { id: 'call_stub_1', name: String(fn.name ?? 'tool'), arguments: JSON.stringify({ [key]: text }) };
}

function anthropicToolUseFor(tools: unknown[], text: string): { id: string; name: string; input: Json } {
  const t = tools[0] as Json;
  const props = (t.input_schema as Json | undefined)?.properties as Json | undefined;
  const key = props ? Object.keys(props)[0] ?? 'input' : 'input';
  return { id: 'toolu_stub_1', name: String(t.name ?? 'tool'), input: { [key]: text } };
}

function dated(model: string): string {
  return /\d{4}-\d{2}-\d{2}$|\d{8}$/.test(model) ? model : `${model}-2025-01-01`;
}

// ---- recorded shapes, usable in scripted replies ----

export interface ChatOptions {
  model: string;
  content: string | null;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  id?: string;
  usage?: { prompt: number; completion: number; cached?: number };
}

export function openaiChatCompletion(o: ChatOptions): Json {
  const usage = o.usage ?? { prompt: 12, completion: 7, cached: 0 };
  const message: Json = { role: 'assistant', content: o.content, refusal: null, annotations: [] };
  if (o.toolCalls) message.tool_calls = o.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } }));
  return {
    id: o.id ?? 'chatcmpl-stub1',
    object: 'chat.completion',
    created: 1735689600,
    model: dated(o.model),
    choices: [{ index: 0, message, logprobs: null, finish_reason: o.toolCalls ? 'tool_calls' : 'stop' }],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
      prompt_tokens_details: { cached_tokens: usage.cached ?? 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_stub',
  };
}

/** The SSE chunks of a streamed chat completion: a role chunk, content word by word (or tool call fragments), the finish chunk, the usage chunk. */
export function openaiChatChunks(o: ChatOptions & { includeUsage?: boolean }): SseEvent[] {
  const base = { id: o.id ?? 'chatcmpl-stub1', object: 'chat.completion.chunk', created: 1735689600, model: dated(o.model), system_fingerprint: 'fp_stub' };
  const chunk = (delta: Json, finish: string | null = null): SseEvent => ({ data: { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(o.includeUsage ? { usage: null } : {}) } });
  const out: SseEvent[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  if (o.content) for (const piece of o.content.match(/\S+\s*/g) ?? []) out.push(chunk({ content: piece }));
  for (const [i, t] of (o.toolCalls ?? []).entries()) {
    out.push(chunk({ tool_calls: [{ index: i, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }));
    const half = Math.ceil(t.arguments.length / 2);
    out.push(chunk({ tool_calls: [{ index: i, function: { arguments: t.arguments.slice(0, half) } }] }));
    out.push(chunk({ tool_calls: [{ index: i, function: { arguments: t.arguments.slice(half) } }] }));
  }
  out.push(chunk({}, o.toolCalls ? 'tool_calls' : 'stop'));
  if (o.includeUsage) {
    const u = o.usage ?? { prompt: 12, completion: 7, cached: 0 };
    out.push({ data: { ...base, choices: [], usage: { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.prompt + u.completion, prompt_tokens_details: { cached_tokens: u.cached ?? 0 } } } });
  }
  out.push({ data: '[DONE]' });
  return out;
}

export function openaiResponse(o: { model: string; text?: string; functionCall?: { id: string; name: string; arguments: string }; id?: string }): Json {
  const output: Json[] = [];
  if (o.text !== undefined) {
    output.push({ type: 'message', id: 'msg_stub1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: o.text, annotations: [] }] });
  }
  if (o.functionCall) {
    output.push({ type: 'function_call', id: 'fc_stub1', call_id: o.functionCall.id, name: o.functionCall.name, arguments: o.functionCall.arguments, status: 'completed' });
  }
  return {
    id: o.id ?? 'resp_stub1',
    object: 'response',
    created_at: 1735689600,
    status: 'completed',
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: dated(o.model),
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: { input_tokens: 11, input_tokens_details: { cached_tokens: 0 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 17 },
    user: null,
    metadata: {},
  };
}

/** The event stream of a Responses API call that ends in `response`. */
export function openaiResponseEvents(response: Json): SseEvent[] {
  let seq = 0;
  const ev = (type: string, rest: Json): SseEvent => ({ event: type, data: { type, sequence_number: seq++, ...rest } });
  const pending = { ...response, status: 'in_progress', output: [], usage: null };
  const out: SseEvent[] = [ev('response.created', { response: pending }), ev('response.in_progress', { response: pending })];
  (response.output as Json[]).forEach((item, i) => {
    if (item.type === 'message') {
      const text = ((item.content as Json[])[0]?.text as string) ?? '';
      out.push(ev('response.output_item.added', { output_index: i, item: { ...item, status: 'in_progress', content: [] } }));
      out.push(ev('response.content_part.added', { item_id: item.id, output_index: i, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }));
      for (const piece of text.match(/\S+\s*/g) ?? []) out.push(ev('response.output_text.delta', { item_id: item.id, output_index: i, content_index: 0, delta: piece }));
      out.push(ev('response.output_text.done', { item_id: item.id, output_index: i, content_index: 0, text }));
      out.push(ev('response.content_part.done', { item_id: item.id, output_index: i, content_index: 0, part: (item.content as Json[])[0] }));
    } else {
      out.push(ev('response.output_item.added', { output_index: i, item: { ...item, arguments: '', status: 'in_progress' } }));
      out.push(ev('response.function_call_arguments.delta', { item_id: item.id, output_index: i, delta: item.arguments }));
      out.push(ev('response.function_call_arguments.done', { item_id: item.id, output_index: i, arguments: item.arguments }));
    }
    out.push(ev('response.output_item.done', { output_index: i, item }));
  });
  out.push(ev('response.completed', { response }));
  return out;
}

export function openaiEmbeddings(model: string, count: number, base64: boolean, dimensions = 8): Json {
  const data = Array.from({ length: count }, (_, index) => {
    const vector = Array.from({ length: dimensions }, (_, i) => Math.round(Math.sin(index + i) * 1000) / 1000);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
  });
  return { object: 'list', data, model, usage: { prompt_tokens: 5 * count, total_tokens: 5 * count } };
}

export function openaiError(status: number, message: string, type = 'invalid_request_error', code: string | null = null): StubReply {
  return { status, json: { error: { message, type, param: null, code } }, headers: { 'retry-after-ms': '1' } };
}

export function anthropicMessage(o: { model: string; text?: string; toolUse?: { id: string; name: string; input: Json }; id?: string; usage?: Json }): Json {
  const content: Json[] = [];
  if (o.text !== undefined) content.push({ type: 'text', text: o.text });
  if (o.toolUse) content.push({ type: 'tool_use', id: o.toolUse.id, name: o.toolUse.name, input: o.toolUse.input });
  return {
    id: o.id ?? 'msg_stub01',
    type: 'message',
    role: 'assistant',
    model: o.model.includes('2025') ? o.model : `${o.model}-20251001`,
    content,
    stop_reason: o.toolUse ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: o.usage ?? { input_tokens: 14, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: 9, service_tier: 'standard' },
  };
}

/** The event stream of a streamed Anthropic message ending in `message`. */
export function anthropicEvents(message: Json): SseEvent[] {
  const ev = (type: string, rest: Json): SseEvent => ({ event: type, data: { type, ...rest } });
  const usage = message.usage as Json;
  const out: SseEvent[] = [
    ev('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }),
    { event: 'ping', data: { type: 'ping' } },
  ];
  (message.content as Json[]).forEach((block, index) => {
    if (block.type === 'text') {
      out.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const piece of (block.text as string).match(/\S+\s*/g) ?? []) out.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    } else {
      out.push(ev('content_block_start', { index, content_block: { ...block, input: {} } }));
      const json = JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      out.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(0, half) } }));
      out.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(half) } }));
    }
    out.push(ev('content_block_stop', { index }));
  });
  out.push(ev('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }));
  out.push(ev('message_stop', {}));
  return out;
}

export function anthropicError(status: number, type: string, message: string): StubReply {
  return { status, json: { type: 'error', error: { type, message } }, headers: { 'retry-after-ms': '1' } };
}
