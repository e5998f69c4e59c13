// The AI SDK 7 provider of bench/provider-overhead.mjs: `generateText` of the real `ai` package
// with `@ai-sdk/openai` against the loopback stub. The AI SDK 7 makes spans only through a telemetry
// integration, so the hand-written side is `@ai-sdk/otel`'s own `OpenTelemetry` integration on the
// raw OpenTelemetry SDK (what its documentation sets up), and the agentops side the integration
// agentops registers (`agentops.instrument()` of the `@ai-sdk/otel` module): the same spans, one
// call = an `invoke_agent`, a `step` and a `chat` span.

import { respond } from './openai.mjs';

export const label = 'AI SDK 7 generateText (@ai-sdk/openai chat model)';

// The stub answers as for the OpenAI provider: a recorded-shape chat completion.
export { respond };

/**
 * The "client": the AI SDK, its model pointed at the stub (or answered in-process), and
 * `@ai-sdk/otel`'s `OpenTelemetry` class, which is what `agentops.instrument()` takes for the AI SDK 7.
 */
export async function makeClient(base, inProcess) {
  const [{ generateText, registerTelemetry }, { createOpenAI }, { OpenTelemetry }] = await Promise.all([import('ai'), import('@ai-sdk/openai'), import('@ai-sdk/otel')]);
  const answer = respond();
  const fetchOption = inProcess ? { fetch: async () => new Response(answer.body, { status: answer.status, headers: answer.headers }) } : {};
  const model = createOpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-bench', ...fetchOption }).chat('gpt-4o-mini');
  return { OpenTelemetry, generateText, registerTelemetry, model };
}

/** One call, as an agent makes it. */
export function call(client) {
  return client.generateText({
    model: client.model,
    system: 'You are a helpful assistant that answers briefly.',
    prompt: 'Where is my order 42? It was supposed to arrive yesterday.',
    temperature: 0.2,
    maxOutputTokens: 128,
    maxRetries: 0,
  });
}

/** The floor: `@ai-sdk/otel`'s integration with the raw OpenTelemetry SDK's tracer, registered with the AI SDK. */
export function handWrap(client, { tracer }) {
  client.registerTelemetry(new client.OpenTelemetry({ tracer }));
  return client;
}
