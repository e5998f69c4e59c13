/**
 * A tool-using agent on the real `@google/genai` client, recorded by agentops: the first turn asks
 * the model with a function declared, the function runs as a tool span, the chat's next turn is
 * streamed, and the answer is embedded for a memory store. Each model call is one span (`chat
 * gemini-2.5-flash`, `embeddings gemini-embedding-001`). The client talks to a loopback stand-in for
 * the Gemini API (no network, no key).
 *
 *   npx tsx examples/google-genai.ts
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from 'agentops';
import { LlmStub } from './support/llm-stub';
import { formatTree, fromReadable } from './support/span-tree';

const MODEL = 'gemini-2.5-flash';

const ORDERS = new Map([[42, { id: 42, status: 'shipped', eta: 'tomorrow' }]]);

const lookupOrder = agentops.traceTool('lookup_order', async (args: { order_id: string }): Promise<unknown> => {
  return ORDERS.get(Number(args.order_id.replace(/\D/g, ''))) ?? { error: 'no such order' };
});

async function main(): Promise<void> {
  // In an ES module app: `import * as genai from '@google/genai'`. The examples compile as
  // CommonJS, and @google/genai declares its types for ES modules only, hence import().
  const genai = await import('@google/genai');
  const stub = await LlmStub.start();
  const collected = new InMemorySpanExporter();
  // Bundled or not, handing the module over always works; a plain init() patches it too when Node loads it.
  agentops.init({ exporters: [collected], autoStartSession: false, instrument: { googleGenAI: genai } });
  const ai = new genai.GoogleGenAI({ apiKey: 'gemini-example-key', httpOptions: { baseUrl: stub.url } });
  const tools = [
    {
      functionDeclarations: [
        { name: 'lookup_order', description: 'Find an order', parametersJsonSchema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } },
      ],
    },
  ];

  const session = agentops.startSession({ name: 'google-genai-agent', tags: ['example'] });
  await session.run(async () => {
    const chat = ai.chats.create({ model: MODEL, config: { systemInstruction: 'You help with orders.', temperature: 0.2, tools } });
    const first = await chat.sendMessage({ message: 'order 42' });
    const call = first.functionCalls?.[0];
    if (call?.name === 'lookup_order') {
      const result = await lookupOrder(call.args as { order_id: string });
      // The function's answer goes back in the same chat; this turn streams.
      const stream = await chat.sendMessageStream({ message: [{ functionResponse: { name: call.name, response: { output: result } } }] });
      for await (const chunk of stream) process.stdout.write(chunk.text ?? '');
      process.stdout.write('\n');
    }
    // Remember the exchange: one embeddings span.
    await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['order 42 is shipped, arriving tomorrow'] });
  });
  session.end('Success');

  await agentops.flush();
  console.log(`\nsession ${session.id}\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
  await stub.close();
}

void main();
