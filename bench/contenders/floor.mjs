// The floor: the raw OpenTelemetry SDK (the line agentops itself uses, from bench/package.json), BatchSpanProcessor +
// OTLP/protobuf exporter, setting the GenAI semantic-convention attributes of the workload by hand.
import { createRequire } from 'node:module';
import * as W from '../workload.mjs';

const require = createRequire(new URL('../package.json', import.meta.url));
const api = require('@opentelemetry/api');
const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');

export async function setup({ baseUrl, content, destinations = 1 }) {
  const processors = [];
  for (let i = 0; i < destinations; i++) processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${baseUrl}/v1/traces` }) }));
  const provider = new TracerProvider({ spanProcessors: processors });
  const tracer = provider.getTracer('floor');
  let ctx = api.ROOT_CONTEXT;
  return {
    async session(body) {
      const root = tracer.startSpan('session', { root: true });
      root.setAttribute('session.id', 'bench');
      ctx = api.trace.setSpan(api.ROOT_CONTEXT, root);
      await body();
      root.end();
    },
    llm() {
      const s = tracer.startSpan(`chat ${W.MODEL}`, { kind: api.SpanKind.CLIENT }, ctx);
      s.setAttribute('gen_ai.operation.name', 'chat');
      s.setAttribute('gen_ai.provider.name', W.PROVIDER);
      s.setAttribute('gen_ai.request.model', W.MODEL);
      s.setAttribute('gen_ai.request.temperature', W.TEMPERATURE);
      s.setAttribute('gen_ai.request.max_tokens', W.MAX_TOKENS);
      s.setAttribute('gen_ai.response.finish_reasons', [W.FINISH_REASON]);
      s.setAttribute('gen_ai.usage.input_tokens', W.INPUT_TOKENS);
      s.setAttribute('gen_ai.usage.output_tokens', W.OUTPUT_TOKENS);
      if (content) {
        s.setAttribute('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: W.PROMPT }] }]));
        s.setAttribute('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: W.COMPLETION }], finish_reason: W.FINISH_REASON }]));
      }
      for (const k in W.EXTRA) s.setAttribute(k, W.EXTRA[k]);
      s.end();
    },
    tool() {
      const s = tracer.startSpan(`execute_tool ${W.TOOL_NAME}`, {}, ctx);
      s.setAttribute('gen_ai.operation.name', 'execute_tool');
      s.setAttribute('gen_ai.tool.name', W.TOOL_NAME);
      if (content) {
        s.setAttribute('gen_ai.tool.call.arguments', JSON.stringify(W.TOOL_ARGS));
        s.setAttribute('gen_ai.tool.call.result', JSON.stringify(W.TOOL_RESULT));
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
