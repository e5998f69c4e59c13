/**
 * An agent whose tools live on an MCP server in another process, recorded by agentops on both
 * sides: the real `@modelcontextprotocol/sdk` client and server over stdio, the real `openai`
 * client against a loopback stand-in for the OpenAI API. Each MCP request is a CLIENT span in the
 * agent and a SERVER span in the server process, under it: the request carries the agent's
 * context in its `params._meta`, so the server's spans land in the agent's session. Both
 * processes export to a local backend started here, which shows the session as one trace.
 *
 *   npx tsx examples/mcp.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import * as agentops from 'agentops';
import { startServer, type SpanNode } from '@agentops/server';
import { OpenAIStub } from './support/openai-stub';
import { formatTree, type TreeSpan } from './support/span-tree';

function toTreeSpans(tree: SpanNode[]): TreeSpan[] {
  const out: TreeSpan[] = [];
  const walk = (nodes: SpanNode[]): void => {
    for (const n of nodes) {
      const where = n.resource['service.name'];
      out.push({ spanId: n.spanId, parentSpanId: n.parentSpanId ?? undefined, name: `${n.name}  <${String(where)}>`, startMs: n.startMs, durationMs: n.durationMs, error: n.status.code === 2, attributes: n.attributes });
      walk(n.children);
    }
  };
  walk(tree);
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'agentops-mcp-example-'));
  const backend = await startServer({ port: 0, dbPath: join(dir, 'agentops.db') });
  const stub = await OpenAIStub.start();
  try {
    // Both processes send to the local backend: the agent through its environment, which the MCP
    // server process inherits.
    Object.assign(process.env, backend.env());
    agentops.init({ serviceName: 'support-agent', autoStartSession: false, logSessionUrl: false, instrument: { openai: OpenAI, mcp: Client } });
    const openai = new OpenAI({ apiKey: 'sk-example-not-a-real-key', baseURL: stub.baseURL, maxRetries: 0 });
    // The server runs the way this script does (under tsx).
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...process.execArgv, join(__dirname, 'support', 'mcp-order-server.ts')],
      env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    });
    const mcp = new Client({ name: 'support-agent', version: '1.0.0' });

    const session = agentops.startSession({ name: 'support-bot', tags: ['example', 'mcp'] });
    let answer = '';
    await session.run(async () => {
      await mcp.connect(transport);
      // The MCP server's tools, offered to the model as functions.
      const { tools } = await mcp.listTools();
      const functions: ChatCompletionTool[] = tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }));
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: 'You are a support agent for an online shop. Use the tools to help the customer.' },
        { role: 'user', content: 'Where is my order 42? I would like a refund.' },
      ];
      for (let turn = 0; turn < 5 && answer === ''; turn++) {
        const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: functions });
        const message = res.choices[0]!.message;
        messages.push(message);
        if (!message.tool_calls?.length) answer = message.content ?? '';
        for (const call of message.tool_calls ?? []) {
          if (call.type !== 'function') continue;
          // One MCP request: `tools/call {name}`, served (and recorded) by the other process.
          const result = (await mcp.callTool({ name: call.function.name, arguments: JSON.parse(call.function.arguments) as Record<string, unknown> })) as { content: Array<{ text?: string }>; isError?: boolean };
          const text = result.content.map((c) => c.text ?? '').join('');
          messages.push({ role: 'tool', tool_call_id: call.id, content: result.isError === true ? JSON.stringify({ error: text }) : text });
        }
      }
    });
    // Closing the client ends the server's stdin: it flushes its spans and exits.
    await mcp.close();
    session.end('Success', 'answered the customer');
    await agentops.shutdown();

    const res = await fetch(`${backend.url}/api/sessions/${session.traceId}`, { headers: { authorization: `Bearer ${backend.apiKey}` } });
    const stored = (await res.json()) as { totals: Record<string, number>; tree: SpanNode[] };
    const t = stored.totals;
    console.log(`agent answered: ${answer}\n`);
    console.log(`session ${session.id}, one trace from two processes, as the local backend stored it:\n`);
    console.log(formatTree(toTreeSpans(stored.tree)));
    console.log(`\n${t.spans} spans, ${t.llmCalls} LLM calls, ${t.toolCalls} tool calls, ${t.errors} error(s)`);
  } finally {
    await agentops.shutdown();
    await stub.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
