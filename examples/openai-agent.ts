/**
 * A small tool-using agent on the real `openai` client, recorded by agentops without a single
 * hand-written event: the client is instrumented, the tool and the agent are wrapped. The client
 * talks to a loopback stand-in for the OpenAI API, so this runs without network or keys.
 *
 *   npx tsx examples/openai-agent.ts
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import * as agentops from 'agentops';
import { LlmStub } from './support/llm-stub';
import { formatTree, fromReadable } from './support/span-tree';

const tools = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', description: 'Current weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];

async function main(): Promise<void> {
  const stub = await LlmStub.start();
  const collected = new InMemorySpanExporter();
  // Handing the class over works the same under CommonJS, ESM and bundlers.
  agentops.init({ exporters: [collected], autoStartSession: false, instrument: { openai: OpenAI } });
  const openai = new OpenAI({ baseURL: stub.openaiBaseURL, apiKey: 'sk-example' });

  const getWeather = agentops.traceTool('get_weather', async ({ city }: { city: string }) => ({ city, sky: 'sunny', celsius: 21 }));

  const answer = agentops.traceAgent('weather-bot', async (question: string) => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
    for (;;) {
      const res = await openai.chat.completions.create({ model: 'gpt-5.4', messages, tools, temperature: 0.2 });
      const msg = res.choices[0]!.message;
      if (!msg.tool_calls?.length) return msg.content ?? '';
      messages.push(msg);
      for (const call of msg.tool_calls) {
        if (call.type !== 'function') continue;
        const result = await getWeather(JSON.parse(call.function.arguments) as { city: string });
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
      }
    }
  });

  const session = agentops.startSession({ name: 'openai-agent', tags: ['example'] });
  await session.run(async () => {
    console.log('answer:', await answer('Paris'));
    // A streamed call: the span ends when the stream has been read, with time to first chunk.
    const stream = await openai.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'Say goodbye' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    console.log('streamed:', text);
  });
  session.end('Success');

  await agentops.flush();
  console.log(`\nsession ${session.id}\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
  await stub.close();
}

void main();
