// Arize Phoenix (phoenix-otel), as its docs say: register() with the collector URL, spans with the
// OpenInference conventions built by openinference-core's attribute helpers.
import { createRequire } from 'node:module';
import * as W from '../workload.mjs';

const require = createRequire(new URL('../peers/package.json', import.meta.url));
const { register } = require('@arizeai/phoenix-otel');
const oi = require('@arizeai/openinference-core');
const api = require('@opentelemetry/api');

export async function setup({ baseUrl, content }) {
  const provider = register({ url: `${baseUrl}/v1/traces`, projectName: 'bench', batch: true, global: true });
  const tracer = provider.getTracer('bench');
  let ctx = api.ROOT_CONTEXT;
  const llmBase = {
    ...oi.getLLMAttributes({
      provider: W.PROVIDER,
      modelName: W.MODEL,
      invocationParameters: { temperature: W.TEMPERATURE, max_tokens: W.MAX_TOKENS },
      tokenCount: { prompt: W.INPUT_TOKENS, completion: W.OUTPUT_TOKENS, total: W.INPUT_TOKENS + W.OUTPUT_TOKENS },
    }),
    ...oi.getMetadataAttributes(W.EXTRA),
    'openinference.span.kind': 'LLM',
  };
  return {
    async session(body) {
      await tracer.startActiveSpan('session', { attributes: { 'openinference.span.kind': 'AGENT' } }, async (span) => {
        ctx = api.context.active();
        await body();
        span.end();
      });
    },
    llm() {
      const s = tracer.startSpan('chat', {}, ctx);
      s.setAttributes(llmBase);
      if (content) {
        s.setAttributes(oi.getLLMAttributes({ inputMessages: [{ role: 'user', content: W.PROMPT }], outputMessages: [{ role: 'assistant', content: W.COMPLETION }] }));
        s.setAttributes(oi.getInputAttributes(W.PROMPT));
        s.setAttributes(oi.getOutputAttributes(W.COMPLETION));
      }
      s.end();
    },
    tool() {
      const s = tracer.startSpan(W.TOOL_NAME, {}, ctx);
      s.setAttributes({ 'openinference.span.kind': 'TOOL', 'tool.name': W.TOOL_NAME });
      if (content) {
        s.setAttributes(oi.getInputAttributes({ value: JSON.stringify(W.TOOL_ARGS), mimeType: 'application/json' }));
        s.setAttributes(oi.getOutputAttributes({ value: JSON.stringify(W.TOOL_RESULT), mimeType: 'application/json' }));
      }
      s.end();
    },
    async flush() {
      await provider.forceFlush();
    },
    async close() {
      await provider.shutdown();
    },
  };
}
