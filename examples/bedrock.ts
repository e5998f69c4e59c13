/**
 * A tool-using agent on the real `@aws-sdk/client-bedrock-runtime` client, recorded by agentops:
 * each model call (`Converse`, `ConverseStream`, `InvokeModel`) is one LLM span, the tool is wrapped
 * with a decorator. The client signs its requests with fake static credentials and talks to a
 * loopback stand-in for the Bedrock Runtime API (no network, no AWS account).
 *
 *   npx tsx examples/bedrock.ts
 */
import { BedrockRuntime, BedrockRuntimeClient, ConverseStreamCommand, InvokeModelCommand, type Message, type Tool } from '@aws-sdk/client-bedrock-runtime';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from 'agentops';
import { BedrockStub } from './support/bedrock-stub';
import { formatTree, fromReadable } from './support/span-tree';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

class OrderDesk {
  private readonly orders = new Map([[42, { id: 42, status: 'shipped', eta: 'tomorrow' }]]);

  @agentops.tool('lookup_order')
  async lookup(input: { order_id: string }): Promise<{ id: number; status: string; eta: string } | { error: string }> {
    return this.orders.get(Number(input.order_id.replace(/\D/g, ''))) ?? { error: 'no such order' };
  }
}

async function main(): Promise<void> {
  const stub = await BedrockStub.start();
  const collected = new InMemorySpanExporter();
  agentops.init({ exporters: [collected], autoStartSession: false, instrument: { bedrock: BedrockRuntimeClient } });
  const config = { region: 'us-east-1', endpoint: stub.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret' } };
  // The aggregated client (`bedrock.converse(...)`) and the command style (`client.send(new ...)`) are recorded alike.
  const bedrock = new BedrockRuntime(config);
  const client = new BedrockRuntimeClient(config);
  const desk = new OrderDesk();
  const tools: Tool[] = [
    { toolSpec: { name: 'lookup_order', description: 'Find an order', inputSchema: { json: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } } } },
  ];

  const session = agentops.startSession({ name: 'bedrock-agent', tags: ['example'] });
  await session.run(async () => {
    const messages: Message[] = [{ role: 'user', content: [{ text: 'order 42' }] }];
    const system = [{ text: 'You help with orders.' }];
    const first = await bedrock.converse({ modelId: MODEL, system, messages, toolConfig: { tools }, inferenceConfig: { maxTokens: 512, temperature: 0.2 } });
    const reply = first.output?.message;
    const toolUse = reply?.content?.find((b) => b.toolUse !== undefined)?.toolUse;
    if (reply && toolUse?.toolUseId) {
      const result = await desk.lookup(toolUse.input as { order_id: string });
      messages.push(reply, { role: 'user', content: [{ toolResult: { toolUseId: toolUse.toolUseId, content: [{ json: result }] } }] });
    }
    // A streamed reply: one span, ended when the loop has read the whole event stream.
    const streamed = await client.send(new ConverseStreamCommand({ modelId: MODEL, system, messages, toolConfig: { tools } }));
    for await (const event of streamed.stream ?? []) if (event.contentBlockDelta?.delta?.text) process.stdout.write(event.contentBlockDelta.delta.text);
    process.stdout.write('\n');
    // The model's own API through InvokeModel: Claude's Messages body.
    const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 128, messages: [{ role: 'user', content: 'Summarise order 42 in five words.' }] });
    const invoked = await client.send(new InvokeModelCommand({ modelId: MODEL, body }));
    console.log((JSON.parse(new TextDecoder().decode(invoked.body)) as { content: Array<{ text?: string }> }).content[0]?.text);
  });
  session.end('Success');

  await agentops.flush();
  console.log(`\nsession ${session.id}\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
  bedrock.destroy();
  client.destroy();
  await stub.close();
}

void main();
