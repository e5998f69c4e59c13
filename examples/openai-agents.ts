/**
 * A multi-agent run on the OpenAI Agents SDK, recorded by agentops with nothing on the agents: a
 * triage agent looks an order up with a tool and hands off to a billing agent, which answers. The
 * session shows both agents, each model call (one `chat` span with its tokens and cost), the tool and
 * the handoff. The SDK talks to a loopback stand-in for the OpenAI API, so this runs without network
 * or keys; the SDK's own trace export to OpenAI is switched off here, since there is no key.
 *
 *   npx tsx examples/openai-agents.ts
 */
import * as agents from '@openai/agents';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import * as agentops from 'agentops';
import { buildTriageAgents, triageReplies } from './support/agents-stub';
import { LlmStub } from './support/llm-stub';
import { formatTree, fromReadable } from './support/span-tree';

async function main(): Promise<void> {
  const stub = await LlmStub.start();
  stub.enqueue(...triageReplies());
  const collected = new InMemorySpanExporter();
  // Handing the modules over works the same under CommonJS, ESM and bundlers; a plain init() patches them when loaded.
  agentops.init({ exporters: [collected], autoStartSession: false, instrument: { openai: OpenAI, openaiAgents: agents } });
  // No key for OpenAI's trace ingest here: keep the SDK's traces local (agentops' processor stays).
  agents.setTraceProcessors([]);
  const client = new OpenAI({ baseURL: stub.openaiBaseURL, apiKey: 'sk-example' });
  const runner = new agents.Runner({ modelProvider: new agents.OpenAIProvider({ openAIClient: client }) });
  const { triage } = buildTriageAgents(agents);

  const session = agentops.startSession({ name: 'openai-agents', tags: ['example'] });
  await session.run(async () => {
    const result = await runner.run(triage, 'I was charged twice for order 42');
    console.log('answer:', result.finalOutput);
  });
  session.end('Success');

  await agentops.flush();
  const s = session.summary();
  console.log(`\nsession ${session.id}: ${s.llmCalls} model calls, ${s.toolCalls} tool call, ${s.inputTokens} input + ${s.outputTokens} output tokens\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
  await stub.close();
}

void main();
