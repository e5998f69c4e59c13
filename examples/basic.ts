/**
 * The smallest complete use of the SDK: one session with an LLM call, a tool call nested in an
 * action, and a failed tool call, sent to a console exporter. Prints the session's span tree.
 *
 *   npx tsx examples/basic.ts
 */
import { ConsoleSpanExporter, InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from 'agentops';
import { formatTree, fromReadable } from './support/span-tree';

async function main(): Promise<void> {
  const collected = new InMemorySpanExporter();
  const exporters = process.argv.includes('--console') ? [collected, new ConsoleSpanExporter()] : [collected];
  agentops.init({ exporters, autoStartSession: false });

  const session = agentops.startSession({ name: 'support-bot', tags: ['example'] });
  await session.run(async () => {
    // An LLM call recorded after the fact keeps its real duration: create the event before the call.
    const llm = new agentops.LLMEvent({ model: 'gpt-4o-mini', provider: 'openai', prompt: 'Where is order 42?' });
    await sleep(30);
    llm.completion = 'Let me look that up.';
    llm.promptTokens = 12;
    llm.completionTokens = 6;
    agentops.record(llm);

    // An action whose span stays open while it runs, so the tool call nests under it.
    await session.trace(new agentops.ActionEvent({ actionType: 'lookup_order' }), async () => {
      const tool = new agentops.ToolEvent({ name: 'orders_db', params: { id: 42 } });
      await sleep(10);
      tool.returns = { id: 42, status: 'shipped' };
      agentops.record(tool);
    });

    // A failed tool call: the ErrorEvent records its trigger, marked as failed.
    const refund = new agentops.ToolEvent({ name: 'refund', params: { id: 42 } });
    agentops.record(new agentops.ErrorEvent({ trigger: refund, exception: new Error('refunds are disabled') }));
  });
  session.end('Success');

  await agentops.flush();
  console.log(`session ${session.id} (trace ${session.traceId})\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

void main();
