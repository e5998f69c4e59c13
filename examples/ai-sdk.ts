/**
 * The Vercel AI SDK recorded by agentops: `experimental_telemetry: agentops.aiSdkTelemetry()` sends
 * its spans through agentops into the active session, with the GenAI attributes added. The OpenAI
 * provider talks to a loopback stand-in for the OpenAI API (no network, no key).
 *
 *   npx tsx examples/ai-sdk.ts
 */
import { createOpenAI } from '@ai-sdk/openai';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod/v4';
import * as agentops from 'agentops';
import { LlmStub } from './support/llm-stub';
import { formatTree, fromReadable } from './support/span-tree';

async function main(): Promise<void> {
  const stub = await LlmStub.start();
  const collected = new InMemorySpanExporter();
  agentops.init({ exporters: [collected], autoStartSession: false });
  const openai = createOpenAI({ baseURL: stub.openaiBaseURL, apiKey: 'sk-example' });

  const session = agentops.startSession({ name: 'ai-sdk', tags: ['example'] });
  await session.run(async () => {
    const { text } = await generateText({
      model: openai.chat('gpt-4o-mini'),
      prompt: 'Rome',
      tools: {
        get_weather: tool({
          description: 'Current weather in a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => ({ city, sky: 'sunny' }),
        }),
      },
      stopWhen: stepCountIs(3),
      experimental_telemetry: agentops.aiSdkTelemetry({ functionId: 'weather' }),
    });
    console.log('generateText:', text);

    const result = streamText({ model: openai('gpt-4o-mini'), prompt: 'Stream a greeting', experimental_telemetry: agentops.aiSdkTelemetry() });
    let streamed = '';
    for await (const part of result.textStream) streamed += part;
    console.log('streamText:', streamed);
  });
  session.end('Success');

  await agentops.flush();
  console.log(`\nsession ${session.id}\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
  await stub.close();
}

void main();
