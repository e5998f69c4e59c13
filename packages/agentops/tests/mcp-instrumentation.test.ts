/**
 * Acceptance (MCP, client and server): the real `@modelcontextprotocol/sdk`, current and the oldest
 * 1.x with Streamable HTTP, over real transports. A client in this process, inside a session, calls
 * an MCP server running in a child process (over stdio, and over Streamable HTTP on a loopback
 * port) that runs agentops too, exporting to the same loopback OTLP receiver: the client's CLIENT
 * span and the server's SERVER span are in the session's trace, the server span's parent is the
 * client span (the context travelled in the request's `params._meta`; the HTTP request span it
 * arrived in is a link), and what the tool handler records nests under the server span.
 * resources/read, prompts/get, a failing tool, a JSON-RPC error, a server that does not run
 * agentops, a client that does not, malformed requests, content capture off, and a tool call
 * counted once in the session totals. Every assertion is on spans decoded from the OTLP bytes.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpError } from '@modelcontextprotocol/sdk/types.js';
import { SpanKind, trace } from '@opentelemetry/api';
import { z } from 'zod/v3';
import * as agentops from '../src';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { allText, InstrumentedRun, json, only, SpanKindCode, StatusCode } from './helpers/instrumented-run';

const SERVER_KIND = 2;
const SERVER_FIXTURE = join(__dirname, 'fixtures', 'mcp-server.mjs');
const SERVER_SERVICE = 'order-mcp-server';

interface Sdk {
  Client: typeof Client;
  StdioClientTransport: typeof StdioClientTransport;
  StreamableHTTPClientTransport: typeof StreamableHTTPClientTransport;
  McpServer: typeof McpServer;
  StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
  McpError: typeof McpError;
  ResultSchema: unknown;
  InMemoryTransport: typeof InMemoryTransport;
}

function loadSdk(prefix: string): Sdk {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    ...(require(`${prefix}/client/index.js`) as object),
    ...(require(`${prefix}/client/stdio.js`) as object),
    ...(require(`${prefix}/client/streamableHttp.js`) as object),
    ...(require(`${prefix}/server/mcp.js`) as object),
    ...(require(`${prefix}/server/streamableHttp.js`) as object),
    ...(require(`${prefix}/types.js`) as object),
    ...(require(`${prefix}/inMemory.js`) as object),
  } as Sdk;
}

/** The SDK versions: the package name the test and the server fixture load it from, and how the server's agentops finds it. */
const VERSIONS: Array<[label: string, prefix: string, serverAgentops: 'auto' | 'explicit']> = [
  // The current SDK: the server child patches it with a plain init(), no flag.
  ['MCP SDK current (1.x)', '@modelcontextprotocol/sdk', 'auto'],
  // Installed under an alias, which automatic patching does not know by name: handed to init().
  ['MCP SDK 1.10', 'mcp-v1-10', 'explicit'],
];

const ORDER_TEXT = 'order 42: shipped, arrives tomorrow';

function serverEnv(run: InstrumentedRun, prefix: string, agentopsMode: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...SDK_ENV_CLEAR })) if (v !== undefined) env[k] = v;
  return { ...env, OTLP_EXPORTER_ENDPOINT: run.receiver.url, OTEL_SERVICE_NAME: SERVER_SERVICE, MCP_SDK: prefix, AGENTOPS: agentopsMode, NODE_OPTIONS: '', ...extra };
}

/** The MCP server fixture listening on a loopback port (Streamable HTTP), in a child process. */
class HttpServerChild {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly port: number,
  ) {}

  static start(env: Record<string, string>): Promise<HttpServerChild> {
    const child = spawn(process.execPath, [SERVER_FIXTURE], { env: { ...env, MCP_TRANSPORT: 'http' } });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line !== undefined) resolve(new HttpServerChild(child, (JSON.parse(line) as { port: number }).port));
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the MCP server exited early with ${String(code)}`)));
    });
  }

  get url(): URL {
    return new URL(`http://127.0.0.1:${this.port}/mcp`);
  }

  /** Ends its stdin: it shuts agentops down (flushing its spans) and exits. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }
}

const bySpanId = (spans: DecodedSpan[], id: string | undefined): DecodedSpan | undefined => spans.find((s) => s.spanId === id);
const named = (spans: DecodedSpan[], name: string, kind: number): DecodedSpan[] => spans.filter((s) => s.name === name && s.kind === kind);
const fromServer = (s: DecodedSpan): boolean => s.resource['service.name'] === SERVER_SERVICE;

describe.each(VERSIONS)('%s', (_label, prefix, serverAgentops) => {
  const sdk = loadSdk(prefix);
  let run: InstrumentedRun;

  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });

  afterEach(async () => {
    await run.close();
  });

  /** A stdio client of the server fixture (spawned by the transport), connected inside `fn`'s session. */
  function stdioClient(agentopsMode: string, extra?: Record<string, string>): { client: Client; transport: StdioClientTransport } {
    const transport = new sdk.StdioClientTransport({ command: process.execPath, args: [SERVER_FIXTURE], env: serverEnv(run, prefix, agentopsMode, extra) });
    return { client: new sdk.Client({ name: 'support-agent', version: '1.0.0' }), transport };
  }

  /**
   * Runs `calls` with a stdio client of the server fixture, connected inside a new session; then
   * closes the client (its server flushes and exits) and ends the session.
   */
  async function overStdio<T>(agentopsMode: string, calls: (client: Client) => Promise<T>, extra?: Record<string, string>): Promise<{ session: agentops.Session; value: T }> {
    const { client, transport } = stdioClient(agentopsMode, extra);
    const session = agentops.startSession({ name: 'agent' });
    const value = await session.run(async () => {
      await client.connect(transport);
      return calls(client);
    });
    await client.close();
    session.end('Success');
    return { session, value };
  }

  /** Waits until the server process's spans of `traceId` have arrived (it exports them as it exits). */
  async function serverSpans(traceId: string, count: number): Promise<DecodedSpan[]> {
    const of = (): DecodedSpan[] => run.receiver.spans().filter((s) => s.traceId === traceId && fromServer(s));
    await run.receiver.waitFor(() => of().length >= count, 20_000, `${count} spans from the MCP server`);
    return of();
  }

  it('a tool call over stdio: the CLIENT span in the session, the server SERVER span under it, the handler spans under that', async () => {
    run.init({ instrument: { mcp: sdk.Client } });
    const params = { name: 'lookup_order', arguments: { id: 42 } };
    const { session, value: result } = await overStdio(serverAgentops, (client) => client.callTool(params));
    // The caller's request object is not touched; the answer is the server's.
    expect(params).toEqual({ name: 'lookup_order', arguments: { id: 42 } });
    expect(result).toEqual({ content: [{ type: 'text', text: ORDER_TEXT }] });
    expect(session.summary()).toMatchObject({ toolCalls: 1, llmCalls: 0, errors: 0 });

    const server = await serverSpans(session.traceId, 3);
    const spans = (await run.spans()).filter((s) => s.traceId === session.traceId);
    const root = only(spans.filter((s) => s.parentSpanId === undefined), 'session span');
    const call = only(named(spans, 'tools/call lookup_order', SpanKindCode.CLIENT), 'client tools/call span');
    expect(call.parentSpanId).toBe(root.spanId);
    expect(call.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'lookup_order',
      'gen_ai.operation.name': 'execute_tool',
      'agentops.event.type': 'tool',
      'network.transport': 'pipe',
      'jsonrpc.request.id': '1',
    });
    expect(call.attributes['mcp.protocol.version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // stdio has no MCP session id.
    expect(call.attributes['mcp.session.id']).toBeUndefined();
    expect(json(call.attributes['gen_ai.tool.call.arguments'])).toEqual({ id: 42 });
    expect(json(call.attributes['gen_ai.tool.call.result'])).toEqual(result);
    expect(call.status.code).toBe(StatusCode.UNSET);

    const served = only(named(server, 'tools/call lookup_order', SERVER_KIND), 'server tools/call span');
    expect(served.parentSpanId).toBe(call.spanId);
    expect(served.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'lookup_order',
      'jsonrpc.request.id': '1',
      'network.transport': 'pipe',
      'mcp.protocol.version': call.attributes['mcp.protocol.version'],
    });
    // The calling agent counted this tool call on its own span: the server's view is not a second one.
    expect(served.attributes['gen_ai.operation.name']).toBeUndefined();
    expect(served.attributes['agentops.event.type']).toBeUndefined();
    expect(json(served.attributes['gen_ai.tool.call.arguments'])).toEqual({ id: 42 });
    expect(json(served.attributes['gen_ai.tool.call.result'])).toEqual(result);
    // What the handler recorded nests under the server span, in the calling agent's session.
    const db = only(named(server, 'action orders_db', SpanKindCode.INTERNAL), 'action span');
    expect(db.parentSpanId).toBe(served.spanId);

    // initialize, on both sides, the server's under the client's.
    const init = only(named(spans, 'initialize', SpanKindCode.CLIENT), 'client initialize span');
    expect(init.parentSpanId).toBe(root.spanId);
    expect(init.attributes['jsonrpc.request.id']).toBe('0');
    expect(init.attributes['mcp.protocol.version']).toBe(call.attributes['mcp.protocol.version']);
    expect(init.attributes['gen_ai.operation.name']).toBeUndefined();
    expect(only(named(server, 'initialize', SERVER_KIND), 'server initialize span').parentSpanId).toBe(init.spanId);
    // One parentless span: the server never starts a trace of its own.
    expect(spans.filter((s) => s.parentSpanId === undefined)).toHaveLength(1);
  });

  it('a tool call over Streamable HTTP: the same trace, the MCP session id on both sides', async () => {
    run.init({ instrument: { mcp: sdk.Client } });
    const server = await HttpServerChild.start(serverEnv(run, prefix, serverAgentops));
    const transport = new sdk.StreamableHTTPClientTransport(server.url);
    const client = new sdk.Client({ name: 'support-agent', version: '1.0.0' });
    let result: unknown;
    const session = agentops.startSession({ name: 'agent' });
    try {
      await session.run(async () => {
        await client.connect(transport);
        result = await client.callTool({ name: 'lookup_order', arguments: { id: 42 } });
      });
      await client.close();
    } finally {
      await server.stop();
    }
    session.end('Success');
    expect(result).toEqual({ content: [{ type: 'text', text: ORDER_TEXT }] });
    const mcpSessionId = transport.sessionId;
    expect(mcpSessionId).toEqual(expect.any(String));

    const fromServerSide = await serverSpans(session.traceId, 3);
    const spans = (await run.spans()).filter((s) => s.traceId === session.traceId);
    const call = only(named(spans, 'tools/call lookup_order', SpanKindCode.CLIENT), 'client tools/call span');
    expect(call.attributes).toMatchObject({
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'mcp.session.id': mcpSessionId,
      'gen_ai.operation.name': 'execute_tool',
    });
    const served = only(named(fromServerSide, 'tools/call lookup_order', SERVER_KIND), 'server tools/call span');
    expect(served.parentSpanId).toBe(call.spanId);
    expect(served.attributes).toMatchObject({ 'network.transport': 'tcp', 'network.protocol.name': 'http', 'mcp.session.id': mcpSessionId, 'jsonrpc.request.id': call.attributes['jsonrpc.request.id'] });
    expect(only(named(fromServerSide, 'action orders_db', SpanKindCode.INTERNAL), 'action span').parentSpanId).toBe(served.spanId);
    // The session id is known once initialize is answered: its span has it too.
    const init = only(named(spans, 'initialize', SpanKindCode.CLIENT), 'client initialize span');
    expect(init.attributes['mcp.session.id']).toBe(mcpSessionId);
    expect(only(named(fromServerSide, 'initialize', SERVER_KIND), 'server initialize span').parentSpanId).toBe(init.spanId);
  });

  it('resources/read and prompts/get: spans named by the conventions, content with capture on', async () => {
    run.init({ instrument: { mcp: sdk.Client } });
    const { session, value } = await overStdio(serverAgentops, async (client) => ({
      resource: await client.readResource({ uri: 'orders://42' }),
      prompt: await client.getPrompt({ name: 'summarize_order', arguments: { id: '42' } }),
    }));
    const { resource, prompt } = value;
    expect(resource).toEqual({ contents: [{ uri: 'orders://42', mimeType: 'application/json', text: '{"id":42,"status":"shipped","eta":"tomorrow"}' }] });
    expect(prompt).toMatchObject({ messages: [{ role: 'user', content: { type: 'text', text: 'Summarize the status of order 42.' } }] });

    const server = await serverSpans(session.traceId, 3);
    const spans = (await run.spans()).filter((s) => s.traceId === session.traceId);
    // The URI is an attribute, not part of the name (the conventions keep span names low-cardinality).
    const read = only(named(spans, 'resources/read', SpanKindCode.CLIENT), 'client resources/read span');
    expect(read.attributes).toMatchObject({ 'mcp.method.name': 'resources/read', 'mcp.resource.uri': 'orders://42' });
    expect(json(read.attributes['agentops.mcp.result'])).toEqual(resource);
    // Neither is a tool call.
    expect(read.attributes['gen_ai.operation.name']).toBeUndefined();
    const get = only(named(spans, 'prompts/get summarize_order', SpanKindCode.CLIENT), 'client prompts/get span');
    expect(get.attributes).toMatchObject({ 'mcp.method.name': 'prompts/get', 'gen_ai.prompt.name': 'summarize_order' });
    expect(json(get.attributes['agentops.mcp.params'])).toEqual({ name: 'summarize_order', arguments: { id: '42' } });
    expect(json(get.attributes['agentops.mcp.result'])).toEqual(prompt);
    const servedRead = only(named(server, 'resources/read', SERVER_KIND), 'server resources/read span');
    expect(servedRead.parentSpanId).toBe(read.spanId);
    expect(servedRead.attributes['mcp.resource.uri']).toBe('orders://42');
    const servedGet = only(named(server, 'prompts/get summarize_order', SERVER_KIND), 'server prompts/get span');
    expect(servedGet.parentSpanId).toBe(get.spanId);
    expect(servedGet.attributes['gen_ai.prompt.name']).toBe('summarize_order');
    expect(session.summary()).toMatchObject({ toolCalls: 0, llmCalls: 0 });
  });

  it('a failing tool and a JSON-RPC error: status ERROR, error.type and an exception event on both sides; the caller sees them unchanged', async () => {
    run.init({ instrument: { mcp: sdk.Client } });
    const { session, value } = await overStdio(serverAgentops, async (client) => ({
      failed: await client.callTool({ name: 'fail_order', arguments: { id: 7 } }),
      thrown: await client.readResource({ uri: 'orders://missing' }).then(
        () => undefined,
        (err: unknown) => err,
      ),
    }));
    const { failed, thrown } = value;
    expect(failed).toEqual({ content: [{ type: 'text', text: 'order service unavailable for order 7' }], isError: true });
    expect(thrown).toBeInstanceOf(sdk.McpError);
    const code = String((thrown as McpError).code);
    expect(session.summary()).toMatchObject({ toolCalls: 1, llmCalls: 0, errors: 2 });

    const server = await serverSpans(session.traceId, 3);
    const spans = (await run.spans()).filter((s) => s.traceId === session.traceId);
    const call = only(named(spans, 'tools/call fail_order', SpanKindCode.CLIENT), 'client tools/call span');
    const served = only(named(server, 'tools/call fail_order', SERVER_KIND), 'server tools/call span');
    expect(served.parentSpanId).toBe(call.spanId);
    for (const s of [call, served]) {
      expect(s.status.code).toBe(StatusCode.ERROR);
      expect(s.attributes['error.type']).toBe('tool_error');
      const exception = only(s.events.filter((e) => e.name === 'exception'), 'exception event');
      expect(exception.attributes['exception.type']).toBe('tool_error');
      expect(exception.attributes['exception.message']).toBe('order service unavailable for order 7');
      // A failed tool has no result to record.
      expect(s.attributes['gen_ai.tool.call.result']).toBeUndefined();
    }

    const read = only(named(spans, 'resources/read', SpanKindCode.CLIENT), 'client resources/read span');
    const servedRead = only(named(server, 'resources/read', SERVER_KIND), 'server resources/read span');
    expect(servedRead.parentSpanId).toBe(read.spanId);
    for (const s of [read, servedRead]) {
      expect(s.status.code).toBe(StatusCode.ERROR);
      expect(s.attributes['error.type']).toBe(code);
      expect(s.attributes['rpc.response.status_code']).toBe(code);
      expect(only(s.events.filter((e) => e.name === 'exception'), 'exception event').attributes['exception.message']).toMatch(/orders:\/\/missing/);
    }
    expect(read.status.message).toBe((thrown as McpError).message);
  });

  it('a server that does not run agentops answers normally, with the trace context in _meta', async () => {
    run.init({ instrument: { mcp: sdk.Client } });
    const { session, value } = await overStdio('off', async (client) => {
      const result = await client.callTool({ name: 'lookup_order', arguments: { id: 42 } });
      const echoed = (await client.callTool({ name: 'echo_meta', arguments: {} })) as { content: Array<{ text: string }> };
      return { result, metaKeys: JSON.parse(echoed.content[0]!.text) as unknown };
    });
    const { result, metaKeys } = value;
    expect(result).toEqual({ content: [{ type: 'text', text: ORDER_TEXT }] });
    // The server received the keys and answered as it would have without them.
    expect(metaKeys).toEqual(expect.arrayContaining(['baggage', 'traceparent']));
    const spans = (await run.spans()).filter((s) => s.traceId === session.traceId);
    const call = only(named(spans, 'tools/call lookup_order', SpanKindCode.CLIENT), 'client tools/call span');
    expect(call.status.code).toBe(StatusCode.UNSET);
    expect(run.receiver.spans().filter(fromServer)).toEqual([]);
  });

  it('content capture off: no tool argument, result, prompt or resource content in any span of either side', async () => {
    run.init({ instrument: { mcp: sdk.Client }, captureContent: false });
    const { session } = await overStdio(
      serverAgentops,
      async (client) => {
        await client.callTool({ name: 'lookup_order', arguments: { id: 42 } });
        await client.callTool({ name: 'fail_order', arguments: { id: 4343 } });
        await client.readResource({ uri: 'orders://42' });
        await client.getPrompt({ name: 'summarize_order', arguments: { id: 'secret-order-id' } });
      },
      { AGENTOPS_CAPTURE_CONTENT: 'false' },
    );
    // initialize, the two tool calls, the action inside the first, the resource, the prompt.
    await serverSpans(session.traceId, 6);
    const spans = (await run.spans()).filter((s) => s.traceId === session.traceId);
    expect(named(spans, 'tools/call fail_order', SERVER_KIND)).toHaveLength(1);
    const text = allText(spans);
    for (const secret of ['"id"', '4343', 'shipped', 'tomorrow', 'Summarize', 'secret-order-id', 'order service unavailable']) expect(text).not.toContain(secret);
    for (const s of spans) {
      for (const key of ['gen_ai.tool.call.arguments', 'gen_ai.tool.call.result', 'agentops.mcp.params', 'agentops.mcp.result']) expect(s.attributes[key]).toBeUndefined();
    }
    // The failure is still recorded, with a message that is not the tool's output.
    const failedCall = only(named(spans, 'tools/call fail_order', SpanKindCode.CLIENT), 'client tools/call span');
    expect(failedCall.attributes['error.type']).toBe('tool_error');
    expect(only(failedCall.events, 'exception event').attributes['exception.message']).toBe('the tool returned isError: true');
  });

  it('client and server in one process, patched as instances: each tool call counted once, also inside a tool span', async () => {
    run.init({ instrument: false });
    const mcpServer = buildServer(sdk);
    const http = await listen(mcpServer, sdk);
    const client = agentops.instrument(new sdk.Client({ name: 'support-agent', version: '1.0.0' }));
    agentops.instrument(mcpServer);
    const lookup = agentops.traceTool('lookup_order', (id: number) => client.callTool({ name: 'lookup_order', arguments: { id } }));
    const session = agentops.startSession({ name: 'agent' });
    try {
      await session.run(async () => {
        await client.connect(new sdk.StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`)));
        await client.callTool({ name: 'lookup_order', arguments: { id: 42 } });
        await lookup(42);
      });
      await client.close();
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
    session.end('Success');
    // Two tool calls, each on both sides of the protocol and one of them inside a tool span: two.
    expect(session.summary()).toMatchObject({ toolCalls: 2, llmCalls: 0 });
    const spans = (await run.spans()).filter((s) => s.traceId === session.traceId);
    const calls = named(spans, 'tools/call lookup_order', SpanKindCode.CLIENT);
    expect(calls).toHaveLength(2);
    const wrapper = only(spans.filter((s) => s.name === 'execute_tool lookup_order'), 'traceTool span');
    const inner = only(calls.filter((s) => s.parentSpanId === wrapper.spanId), 'client span inside traceTool');
    expect(inner.attributes['gen_ai.operation.name']).toBeUndefined();
    const outer = only(calls.filter((s) => s !== inner), 'client span');
    expect(outer.attributes['gen_ai.operation.name']).toBe('execute_tool');
    const served = named(spans, 'tools/call lookup_order', SERVER_KIND);
    expect(served.map((s) => s.parentSpanId).sort()).toEqual([inner.spanId, outer.spanId].sort());
    for (const s of served) {
      expect(s.attributes['gen_ai.operation.name']).toBeUndefined();
      // Parented by the caller, linked to the HTTP request it arrived in.
      const httpSpan = only(run.receiver.spans().filter((h) => h.name === 'POST /mcp' && h.spanId === s.links[0]?.spanId), 'linked HTTP span');
      expect(httpSpan.traceId).not.toBe(session.traceId);
    }
    // Every span is a tool call, an MCP request or the session: none is an LLM call.
    expect(spans.filter((s) => s.attributes['agentops.event.type'] === 'llm')).toEqual([]);
  });

  it('a client without agentops: the server records the call as the tool call, in a trace of its own', async () => {
    run.init({ instrument: false });
    const { client, transport } = stdioClient(serverAgentops);
    await client.connect(transport);
    const result = await client.callTool({ name: 'lookup_order', arguments: { id: 42 } });
    await client.close();
    expect(result).toEqual({ content: [{ type: 'text', text: ORDER_TEXT }] });
    const served = (): DecodedSpan[] => named(run.receiver.spans().filter(fromServer), 'tools/call lookup_order', SERVER_KIND);
    await run.receiver.waitFor(() => served().length === 1, 20_000, 'the server tools/call span');
    const span = only(served(), 'server tools/call span');
    // No caller recorded it: this span is the tool call.
    expect(span.parentSpanId).toBeUndefined();
    expect(span.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'agentops.event.type': 'tool', 'gen_ai.tool.name': 'lookup_order' });
    expect(run.receiver.spans().filter((s) => !fromServer(s))).toEqual([]);
  });

  it('malformed requests go through as they would without agentops, and nothing is thrown into the caller', async () => {
    run.init({ instrument: false });
    const hostile = { method: 'tools/call', params: Object.defineProperty({ arguments: { id: 42 } }, 'name', { enumerable: true, get: () => { throw new Error('hostile getter'); } }) };
    const inputs: unknown[] = [null, { method: 42 }, { method: 'tools/call', params: 'not an object' }, hostile, { method: 'no/such/method' }];
    const outcomes = async (instrumented: boolean): Promise<string[]> => {
      const [a, b] = sdk.InMemoryTransport.createLinkedPair();
      const mcpServer = buildServer(sdk);
      const client = new sdk.Client({ name: 'support-agent', version: '1.0.0' });
      if (instrumented) {
        agentops.instrument(client);
        agentops.instrument(mcpServer);
      }
      await mcpServer.connect(b);
      await client.connect(a);
      const out: string[] = [];
      for (const input of inputs) {
        const request = client.request as unknown as (r: unknown, schema: unknown, options: unknown) => Promise<unknown>;
        // Some of these the server cannot even answer: the SDK's own timeout ends the wait.
        const answer = Promise.resolve().then(() => request.call(client, input, sdk.ResultSchema, { timeout: 1000 }));
        out.push(await answer.then((v) => `ok ${JSON.stringify(v)}`, (err: unknown) => `error ${String(err)}`));
      }
      await client.close();
      return out;
    };
    const plain = await outcomes(false);
    const session = agentops.startSession({ name: 'agent' });
    const instrumented = await session.run(() => outcomes(true));
    session.end('Success');
    expect(instrumented).toEqual(plain);
    // The well-formed unknown method was recorded on both sides, failed with the SDK's code.
    const spans = (await run.spans()).filter((s) => s.traceId === session.traceId);
    const notFound = spans.filter((s) => s.name === 'no/such/method');
    expect(notFound.map((s) => s.kind).sort()).toEqual([SERVER_KIND, SpanKindCode.CLIENT]);
    for (const s of notFound) expect(s.attributes['error.type']).toBe('-32601');
  });
});

function buildServer(sdk: Sdk): McpServer {
  const server = new sdk.McpServer({ name: 'orders', version: '1.0.0' });
  server.tool('lookup_order', { id: z.number() }, ({ id }) => ({ content: [{ type: 'text' as const, text: `order ${id}: shipped, arrives tomorrow` }] }));
  return server;
}

/** The server on a loopback port, one Streamable HTTP transport (one MCP session). */
async function listen(mcpServer: McpServer, sdk: Sdk): Promise<Server> {
  const transport = new sdk.StreamableHTTPServerTransport({ sessionIdGenerator: () => 'mcp-session-in-process' });
  await mcpServer.connect(transport);
  // An HTTP server span around each request, as HTTP instrumentation would make one.
  const tracer = trace.getTracer('http-server');
  const http = createServer((req, res) => void tracer.startActiveSpan(`${req.method ?? 'POST'} /mcp`, { kind: SpanKind.SERVER }, (span) => transport.handleRequest(req, res).finally(() => span.end())));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return http;
}
