/**
 * A Mastra agent with a tool, and a workflow whose second step runs it, recorded by agentops through
 * Mastra's observability exporter interface: nothing on the agent, the tool or the workflow. Each
 * agent run is an `invoke_agent` span holding one `chat` span per model call (with its tokens) and
 * the `execute_tool` spans; the workflow and its steps are spans of their own. The model is an
 * OpenAI model through Mastra's model router, pointed at a loopback stand-in for the OpenAI API, so
 * this runs without network or keys.
 *
 *   npx tsx examples/mastra.ts
 */
import * as mastraCore from '@mastra/core';
import { Mastra } from '@mastra/core';
import { Agent } from '@mastra/core/agent';
import { createTool } from '@mastra/core/tools';
import { createStep, createWorkflow } from '@mastra/core/workflows';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import * as agentops from 'agentops';
import { LlmStub, openaiChatCompletion } from './support/llm-stub';
import { formatTree, fromReadable } from './support/span-tree';

/** The model's two turns of a run: ask for the tool, then answer. */
function scriptRun(stub: LlmStub, orderId: number): void {
  stub.enqueue(
    { json: openaiChatCompletion({ model: 'gpt-4o-mini', content: null, toolCalls: [{ id: `call_${orderId}`, name: 'lookup_order', arguments: JSON.stringify({ order_id: orderId }) }], usage: { prompt: 64, completion: 12 } }) },
    { json: openaiChatCompletion({ model: 'gpt-4o-mini', content: `Order ${orderId} was delivered on Monday.`, usage: { prompt: 98, completion: 15 } }) },
  );
}

async function main(): Promise<void> {
  const stub = await LlmStub.start();
  const collected = new InMemorySpanExporter();
  // A plain init() finds Mastra on its own when it is loaded; handing the module over also works in bundles.
  agentops.init({ exporters: [collected], autoStartSession: false, instrument: { mastra: mastraCore } });

  const lookupOrder = createTool({
    id: 'lookup_order',
    description: 'Status of an order',
    inputSchema: z.object({ order_id: z.number() }),
    execute: async (input: { order_id: number }) => ({ order_id: input.order_id, status: 'delivered', on: 'Monday' }),
  });
  const support = new Agent({ id: 'support', name: 'support', instructions: 'You answer questions about orders.', model: { id: 'openai/gpt-4o-mini', url: stub.openaiBaseURL, apiKey: 'sk-example' }, tools: { lookup_order: lookupOrder } });

  const question = z.object({ question: z.string() });
  const triage = createStep({ id: 'triage', inputSchema: question, outputSchema: question, execute: async ({ inputData }) => inputData });
  const answer = createStep({
    id: 'answer',
    inputSchema: question,
    outputSchema: z.object({ text: z.string() }),
    execute: async ({ inputData, mastra }) => ({ text: (await mastra.getAgent('support').generate(inputData.question)).text }),
  });
  const orderFlow = createWorkflow({ id: 'order-flow', inputSchema: question, outputSchema: z.object({ text: z.string() }) }).then(triage).then(answer).commit();

  // No observability configured: with @mastra/observability installed, agentops sets it up with its exporter.
  const mastra = new Mastra({ agents: { support }, workflows: { orderFlow }, logger: false });

  const session = agentops.startSession({ name: 'mastra-support', tags: ['example'] });
  await session.run(async () => {
    scriptRun(stub, 42);
    console.log('agent:', (await mastra.getAgent('support').generate('Where is order 42?')).text);
    scriptRun(stub, 7);
    const run = await mastra.getWorkflow('orderFlow').createRun();
    const result = await run.start({ inputData: { question: 'Where is order 7?' } });
    console.log('workflow:', result.status === 'success' ? result.result.text : result.status);
  });
  session.end('Success');

  await agentops.flush();
  const summary = session.summary();
  console.log(`\nsession ${session.id}: ${summary.llmCalls} model calls, ${summary.inputTokens} input and ${summary.outputTokens} output tokens\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
  await stub.close();
}

void main();
