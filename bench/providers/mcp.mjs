// The MCP provider of bench/provider-overhead.mjs: `client.callTool` with the real
// `@modelcontextprotocol/sdk` client, against a real McpServer in the same process over the SDK's
// in-memory transport (there is no provider HTTP API to stub: the stub process only sinks the
// spans), and the same call wrapped by hand with the raw OpenTelemetry SDK (the MCP attributes, the
// arguments and result as JSON, the context in `params._meta`). Only the client side is
// instrumented, on every side: what an agent pays per tool call.

export const label = 'MCP client.callTool (in-memory transport)';

const PARAMS = { name: 'lookup_order', arguments: { id: 42, include: ['status', 'eta'] } };
const ORDER = { id: 42, status: 'shipped', eta: 'tomorrow', items: [{ sku: 'A-1', qty: 2 }] };

/** No HTTP API behind an MCP server: the stub is asked for nothing but spans. */
export function respond() {
  return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not an MCP endpoint' };
}

/** A client connected to an order-desk MCP server through a linked pair of in-memory transports. */
export async function makeClient() {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { InMemoryTransport } = await import('@modelcontextprotocol/sdk/inMemory.js');
  const { z } = await import('zod');
  const server = new McpServer({ name: 'orders', version: '1.0.0' });
  server.registerTool('lookup_order', { inputSchema: { id: z.number(), include: z.array(z.string()) } }, async () => ({ content: [{ type: 'text', text: JSON.stringify(ORDER) }] }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'bench-agent', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

/** One call, as an agent makes it. */
export function call(client) {
  return client.callTool(PARAMS);
}

/** The same client with its call wrapped by hand: the floor any OpenTelemetry-based instrumentation stands on. */
export function handWrap(client, { api, tracer }) {
  const wrapped = async (params, resultSchema, options) => {
    const span = tracer.startSpan(`tools/call ${params.name}`, { kind: api.SpanKind.CLIENT }, api.context.active());
    span.setAttribute('mcp.method.name', 'tools/call');
    span.setAttribute('gen_ai.operation.name', 'execute_tool');
    span.setAttribute('gen_ai.tool.name', params.name);
    span.setAttribute('gen_ai.tool.call.arguments', JSON.stringify(params.arguments));
    const ctx = api.trace.setSpan(api.context.active(), span);
    const meta = {};
    api.propagation.inject(ctx, meta);
    try {
      const res = await api.context.with(ctx, () => client.callTool({ ...params, _meta: { ...params._meta, ...meta } }, resultSchema, options));
      if (res.isError === true) {
        span.setAttribute('error.type', 'tool_error');
        span.setStatus({ code: api.SpanStatusCode.ERROR });
      } else span.setAttribute('gen_ai.tool.call.result', JSON.stringify(res));
      return res;
    } catch (err) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  };
  return { callTool: wrapped };
}
