/**
 * A chat server (plain node:http) whose conversations span many requests: the first message of a
 * conversation starts its session, every later one resumes it (`resume: true`), from this process
 * or any other instance of the server. The whole conversation is one trace with one session span
 * and a turn per later request. The example sends three messages of one conversation to itself and
 * prints the trace.
 *
 *   npx tsx examples/conversation-server.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from 'agentops';
import { formatTree, fromReadable } from './support/span-tree';

interface ChatRequest {
  conversationId: string;
  /** The messages before this one; empty for the first message of the conversation. */
  history: string[];
  message: string;
  userId?: string;
}

/** The agent: one (pretend) LLM call, and a tool call when the user asks about an order. */
async function reply(message: string): Promise<string> {
  const llm = new agentops.LLMEvent({ model: 'gpt-4o-mini', prompt: message });
  const order = /order (\d+)/.exec(message);
  if (order) agentops.record(new agentops.ToolEvent({ name: 'lookup_order', params: { id: Number(order[1]) }, returns: { status: 'shipped' } }));
  const answer = order ? `Order ${order[1]} has shipped.` : 'How can I help?';
  llm.completion = answer;
  llm.promptTokens = message.length;
  llm.completionTokens = answer.length;
  agentops.record(llm);
  return answer;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
  // The conversation id is the session id: the first message starts the session, later ones resume it.
  const session = agentops.startSession({
    sessionId: body.conversationId,
    resume: body.history.length > 0,
    userId: body.userId,
    name: body.history.length > 0 ? `message ${body.history.length / 2 + 1}` : 'conversation',
  });
  try {
    const answer = await session.run(() => reply(body.message));
    session.end('Success');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ answer }));
  } catch (err) {
    session.end('Fail', String(err));
    res.writeHead(500).end();
  }
}

async function main(): Promise<void> {
  const collected = new InMemorySpanExporter();
  agentops.init({ exporters: [collected] });
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const history: string[] = [];
  for (const message of ['Hello!', 'Where is my order 42?', 'Thanks, bye.']) {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify({ conversationId: 'conv-42', history, message, userId: 'user-7' }) });
    const { answer } = (await res.json()) as { answer: string };
    console.log(`> ${message}\n< ${answer}`);
    history.push(message, answer);
  }
  server.close();

  await agentops.flush();
  console.log(`\nconversation conv-42 (trace ${agentops.sessionIdToTraceId('conv-42')}):\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
}

void main();
