/**
 * The Vercel AI SDK recorded by agentops, into the active session, with the GenAI attributes. The
 * AI SDK 7 (`ai` 7) is recorded through `@ai-sdk/otel` with nothing on the call: `init()` registers
 * agentops' telemetry integration with the AI SDK when `@ai-sdk/otel` is installed. The AI SDK 5 and
 * 6 are recorded with `experimental_telemetry: agentops.aiSdkTelemetry()` on each call; on the AI
 * SDK 7 that option is still accepted (it names the function, and follows content capture), so this
 * example runs unchanged on 5, 6 and 7. The OpenAI provider talks to a loopback stand-in for the OpenAI
 * API (no network, no key).
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
      model: openai.chat('gpt-5.4'),
      prompt: 'Rome',
      tools: {
        get_weather: tool({
          description: 'Current weather in a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => ({ city, sky: 'sunny' }),
        }),
      },
      stopWhen: stepCountIs(3),
      // Needed on the AI SDK 5 and 6; optional on 7.
      experimental_telemetry: agentops.aiSdkTelemetry({ functionId: 'weather' }),
    });
    console.log('generateText:', text);

    const result = streamText({ model: openai('gpt-5.4'), prompt: 'Stream a greeting', experimental_telemetry: agentops.aiSdkTelemetry() });
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
