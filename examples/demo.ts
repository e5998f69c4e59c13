/**
 * `npm run demo`: the whole loop on one machine, with no account, no key and no network.
 *
 * 1. Starts the local backend (`@agentops/server`) on a free loopback port.
 * 2. Runs a multi-agent team on the OpenAI Agents SDK: a triage agent looks an order up with a tool
 *    and hands off to a billing agent, which answers (recorded with nothing on the agents).
 * 3. Runs a small hand-written support agent: several LLM calls through the real `openai` client,
 *    two tool calls, one of which fails. Both talk to loopback stubs that answer like the OpenAI API.
 * 4. Prints each session's span tree as the backend stored it, and the viewer's URL.
 * 5. Keeps serving the viewer until Ctrl-C (`--once` exits after printing).
 *
 *   npm run demo [-- --once] [--db ./.agentops/agentops.db] [--port 0]
 */
import * as agents from '@openai/agents';
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import * as agentops from 'agentops';
import { startServer, type LocalServer, type SpanNode } from '@agentops/server';
import { buildTriageAgents, triageReplies } from './support/agents-stub';
import { LlmStub } from './support/llm-stub';
import { OpenAIStub } from './support/openai-stub';
import { formatTree, type TreeSpan } from './support/span-tree';

const MODEL = 'gpt-5-mini';

const TOOLS: ChatCompletionTool[] = [
  { type: 'function', function: { name: 'lookup_order', description: 'Find an order by id', parameters: { type: 'object', properties: { order_id: { type: 'integer' } }, required: ['order_id'] } } },
  { type: 'function', function: { name: 'issue_refund', description: 'Refund an order', parameters: { type: 'object', properties: { order_id: { type: 'integer' }, amount_usd: { type: 'number' } }, required: ['order_id', 'amount_usd'] } } },
];

class RefundNotAllowedError extends Error {
  override name = 'RefundNotAllowedError';
}

const toolImplementations: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
  lookup_order: async (args) => ({ order_id: args.order_id, status: 'delivered', delivered_on: 'Monday', total_usd: 19.99 }),
  issue_refund: async (args) => {
    throw new RefundNotAllowedError(`refund of $${String(args.amount_usd)} for order ${String(args.order_id)} needs a human approval`);
  },
};

/**
 * One LLM call. The instrumented client records it by itself: one `chat gpt-5-mini` span with the
 * messages, tokens and cost (from the pricing table), inside the active session.
 */
function chat(openai: OpenAI, messages: ChatCompletionMessageParam[]): Promise<ChatCompletion> {
  return openai.chat.completions.create({ model: MODEL, messages, tools: TOOLS, temperature: 0.2 });
}

/** The agent: answer one customer message, calling tools until the model gives a final answer. */
async function supportAgent(openai: OpenAI, session: agentops.Session, question: string): Promise<string> {
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You are a support agent for an online shop. Use the tools to help the customer.' },
    { role: 'user', content: question },
  ];
  for (let turn = 0; turn < 5; turn++) {
    const res = await chat(openai, messages);
    const message = res.choices[0]!.message;
    messages.push(message);
    if (!message.tool_calls?.length) return message.content ?? '';
    for (const call of message.tool_calls) {
      if (call.type !== 'function') continue;
      const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
      const tool = new agentops.ToolEvent({ name: call.function.name, params: args, toolCallId: call.id });
      try {
        tool.returns = await toolImplementations[call.function.name]!(args);
        session.record(tool);
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(tool.returns) });
      } catch (err) {
        // The failed tool call is recorded with its exception; the agent goes on and tells the model.
        session.record(new agentops.ErrorEvent({ trigger: tool, exception: err }));
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ error: (err as Error).message }) });
      }
    }
  }
  return '';
}

function toTreeSpans(tree: SpanNode[]): TreeSpan[] {
  const out: TreeSpan[] = [];
  const walk = (nodes: SpanNode[]): void => {
    for (const n of nodes) {
      out.push({ spanId: n.spanId, parentSpanId: n.parentSpanId ?? undefined, name: n.name, startMs: n.startMs, durationMs: n.durationMs, error: n.status.code === 2, attributes: n.attributes });
      walk(n.children);
    }
  };
  walk(tree);
  return out;
}

type StoredSession = DemoResult['stored'];

async function fetchSession(server: LocalServer, traceId: string): Promise<StoredSession> {
  const res = await fetch(`${server.url}/api/sessions/${traceId}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  if (!res.ok) throw new Error(`the backend answered HTTP ${res.status} for the session`);
  return (await res.json()) as StoredSession;
}

/**
 * The multi-agent run: the OpenAI Agents SDK's triage agent calls its tool, hands off to the billing
 * agent, which answers. agentops maps the SDK's own spans: agents, model calls, the tool, the handoff.
 */
async function agentTeam(stub: LlmStub): Promise<{ traceId: string; answer: string }> {
  // The SDK turns its tracing off under NODE_ENV=test; the demo shows the agents either way.
  agents.setTracingDisabled(false);
  // No OpenAI key here, so no export of the SDK's traces to OpenAI; agentops' processor stays.
  agents.setTraceProcessors([]);
  const runner = new agents.Runner({ modelProvider: new agents.OpenAIProvider({ apiKey: 'sk-demo-not-a-real-key', baseURL: stub.openaiBaseURL }) });
  const { triage } = buildTriageAgents(agents);
  const session = agentops.startSession({ name: 'triage-desk', tags: ['demo', 'multi-agent'] });
  const result = await session.run(() => runner.run(triage, 'I was charged twice for order 42.'));
  session.end('Success', 'billing resolved the double charge');
  return { traceId: session.traceId, answer: String(result.finalOutput) };
}

function printSession(say: (t: string) => void, title: string, stored: StoredSession): void {
  const t = stored.totals;
  say(`${title}\n`);
  say(formatTree(toTreeSpans(stored.tree)));
  say(`\n${t.spans} spans, ${t.llmCalls} LLM calls, ${t.toolCalls} tool calls, ${t.errors} error(s), ${t.inputTokens} input + ${t.outputTokens} output tokens, $${t.costUsd!.toFixed(6)}`);
}

export interface DemoResult {
  server: LocalServer;
  traceId: string;
  sessionId: string;
  /** The session as the backend returned it: `{ session, totals, tree }`. */
  stored: { session: { name: string | null }; totals: Record<string, number>; tree: SpanNode[] };
  /** The multi-agent session (OpenAI Agents SDK), as the backend returned it. */
  team: { traceId: string; stored: StoredSession };
  /** What the demo printed. */
  output: string;
  /** Stops the stub and the backend. */
  close(): Promise<void>;
}

/** Runs the demo and returns the running backend (the caller closes it). */
export async function runDemo(options: { dbPath?: string; port?: number; print?: (text: string) => void } = {}): Promise<DemoResult> {
  const print = options.print ?? ((t: string) => process.stdout.write(`${t}\n`));
  const lines: string[] = [];
  const say = (t: string): void => {
    lines.push(t);
    print(t);
  };
  const server = await startServer({ port: options.port ?? 0, dbPath: options.dbPath ?? './.agentops/agentops.db' });
  const stub = await OpenAIStub.start();
  const agentsStub = await LlmStub.start();
  agentsStub.enqueue(...triageReplies());
  try {
    // The SDK is configured exactly as `agentops serve` tells a user to: through the environment.
    Object.assign(process.env, server.env());
    agentops.init({ autoStartSession: false, logSessionUrl: false, instrument: { openai: OpenAI, openaiAgents: agents } });
    const team = await agentTeam(agentsStub);
    const openai = new OpenAI({ apiKey: 'sk-demo-not-a-real-key', baseURL: stub.baseURL, maxRetries: 0 });

    const session = agentops.startSession({ name: 'support-bot', tags: ['demo', 'support'] });
    let answer = '';
    await session.run(async () => {
      await session.trace(new agentops.ActionEvent({ actionType: 'handle_ticket', params: { ticket: 1042 } }), async () => {
        answer = await supportAgent(openai, session, 'Where is my order 42? I would like a refund.');
      });
    });
    session.end('Success', 'answered the customer');
    await agentops.shutdown();

    const teamStored = await fetchSession(server, team.traceId);
    say(`agent team answered: ${team.answer}\n`);
    printSession(say, 'multi-agent session (OpenAI Agents SDK) as stored by the local backend:', teamStored);
    say(`\nview it at ${server.viewerUrl({ traceId: team.traceId, apiKey: server.apiKey })}\n`);

    const stored = await fetchSession(server, session.traceId);
    say(`agent answered: ${answer}\n`);
    printSession(say, `session ${session.id} as stored by the local backend:`, stored);
    say(`\nview it at ${server.viewerUrl({ traceId: session.traceId, apiKey: server.apiKey })}`);
    await Promise.all([stub.close(), agentsStub.close()]);
    return { server, traceId: session.traceId, sessionId: session.id, stored, team: { traceId: team.traceId, stored: teamStored }, output: lines.join('\n'), close: () => server.close() };
  } catch (err) {
    await agentops.shutdown();
    await Promise.all([stub.close(), agentsStub.close()]);
    await server.close();
    throw err;
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = argValue('--port');
  const demo = await runDemo({ dbPath: argValue('--db'), port: port === undefined ? 0 : Number(port) });
  if (process.argv.includes('--once')) {
    await demo.close();
    return;
  }
  process.stdout.write('\nserving the viewer; press Ctrl-C to stop\n');
  const stop = (): void => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
