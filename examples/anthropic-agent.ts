/**
 * A tool-using agent on the real `@anthropic-ai/sdk` client, recorded by agentops: each
 * `messages.create` and `messages.stream` call is one LLM span, the tool is wrapped with a
 * decorator. The client talks to a loopback stand-in for the Anthropic API (no network, no key).
 *
 *   npx tsx examples/anthropic-agent.ts
 */
import Anthropic from '@anthropic-ai/sdk';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from 'agentops';
import { LlmStub } from './support/llm-stub';
import { formatTree, fromReadable } from './support/span-tree';

class OrderDesk {
  private readonly orders = new Map([[42, { id: 42, status: 'shipped', eta: 'tomorrow' }]]);

  @agentops.tool('lookup_order')
  async lookup(input: { order_id: string }): Promise<unknown> {
    return this.orders.get(Number(input.order_id.replace(/\D/g, ''))) ?? { error: 'no such order' };
  }
}

async function main(): Promise<void> {
  const stub = await LlmStub.start();
  const collected = new InMemorySpanExporter();
  agentops.init({ exporters: [collected], autoStartSession: false, instrument: { anthropic: Anthropic } });
  const anthropic = new Anthropic({ baseURL: stub.url, apiKey: 'sk-ant-example' });
  const desk = new OrderDesk();
  const tools: Anthropic.Tool[] = [
    { name: 'lookup_order', description: 'Find an order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } },
  ];

  const session = agentops.startSession({ name: 'anthropic-agent', tags: ['example'] });
  await session.run(async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'order 42' }];
    const first = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 512, system: 'You help with orders.', messages, tools });
    const toolUse = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    if (toolUse) {
      const result = await desk.lookup(toolUse.input as { order_id: string });
      messages.push({ role: 'assistant', content: first.content });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: JSON.stringify(result) }] });
    }
    // The streaming helper: one span, ended when the MessageStream has read the whole message.
    const stream = anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 512, messages, tools });
    stream.on('text', (t) => process.stdout.write(t));
    await stream.finalMessage();
    process.stdout.write('\n');
  });
  session.end('Success');

  await agentops.flush();
  console.log(`\nsession ${session.id}\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
  await stub.close();
}

void main();
