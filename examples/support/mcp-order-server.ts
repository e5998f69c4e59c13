/**
 * The MCP server of examples/mcp.ts: an order desk with two tools, served over stdio (its stdout is
 * the protocol's channel, so it prints nothing there). It runs agentops too: each request it serves
 * is a SERVER span under the agent's CLIENT span, in the agent's session, and the action its tool
 * records nests under it. It exports to where the agent does (the environment it inherits), and
 * flushes when the agent closes its stdin.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { z } from 'zod';
import * as agentops from 'agentops';

class RefundNotAllowedError extends Error {
  override name = 'RefundNotAllowedError';
}

agentops.init({ serviceName: 'order-mcp-server', autoStartSession: false, logSessionUrl: false, instrument: { mcp: Server } });

const loadOrder = agentops.traceAction('load_order', async (id: number) => ({ order_id: id, status: 'delivered', delivered_on: 'Monday', total_usd: 19.99 }));

const server = new McpServer({ name: 'order-desk', version: '1.0.0' });
server.registerTool('lookup_order', { description: 'Find an order by id', inputSchema: { order_id: z.number().int() } }, async ({ order_id }) => ({
  content: [{ type: 'text', text: JSON.stringify(await loadOrder(order_id)) }],
}));
server.registerTool('issue_refund', { description: 'Refund an order', inputSchema: { order_id: z.number().int(), amount_usd: z.number() } }, async ({ order_id, amount_usd }) => {
  // McpServer answers a tool that throws with an `isError: true` result: the span records the failure.
  throw new RefundNotAllowedError(`refund of $${amount_usd} for order ${order_id} needs a human approval`);
});

process.stdin.on('end', () => {
  void agentops.shutdown().then(() => process.exit(0));
});
void server.connect(new StdioServerTransport());
