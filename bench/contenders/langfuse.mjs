// Langfuse (TypeScript SDK v4+), as its docs say: a LangfuseSpanProcessor on an OpenTelemetry
// provider, startActiveObservation around the session, generations and tools as observations.
import { createRequire } from 'node:module';
import * as W from '../workload.mjs';

const require = createRequire(new URL('../peers/package.json', import.meta.url));
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { LangfuseSpanProcessor } = require('@langfuse/otel');
const tracing = require('@langfuse/tracing');

export async function setup({ baseUrl, content }) {
  const processor = new LangfuseSpanProcessor({ publicKey: 'pk-lf-bench', secretKey: 'sk-lf-bench', baseUrl, exportMode: 'batched', mask: content ? undefined : () => undefined });
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  tracing.setLangfuseTracerProvider(provider);
  const input = content ? [{ role: 'user', content: W.PROMPT }] : undefined;
  const output = content ? { role: 'assistant', content: W.COMPLETION } : undefined;
  const params = { temperature: W.TEMPERATURE, max_tokens: W.MAX_TOKENS };
  const usage = { input: W.INPUT_TOKENS, output: W.OUTPUT_TOKENS };
  return {
    async session(body) {
      await tracing.startActiveObservation('session', async () => body());
    },
    llm() {
      tracing
        .startObservation('chat', { model: W.MODEL, modelParameters: params, input, output, usageDetails: usage, metadata: W.EXTRA }, { asType: 'generation' })
        .end();
    },
    tool() {
      tracing.startObservation(W.TOOL_NAME, content ? { input: W.TOOL_ARGS, output: W.TOOL_RESULT } : {}, { asType: 'tool' }).end();
    },
    async flush() {
      await processor.forceFlush();
    },
    async close() {
      await provider.shutdown();
    },
  };
}
