// The floor: the leanest idiomatic raw OpenTelemetry code that sends the same data as this SDK. One
// `tracer.startSpan(name, { kind, attributes }, ctx)` per span with the attribute set the SDK sends
// (GenAI semantic-convention names, the message JSON the conventions require built per event as the
// SDK builds it, the six small attributes), a BatchSpanProcessor with its defaults and the OTLP/protobuf
// exporter, from the OpenTelemetry line of bench/package.json (the line agentops itself uses).
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
  const CLIENT = api.SpanKind.CLIENT;
  const INTERNAL = api.SpanKind.INTERNAL;
  let ctx = api.ROOT_CONTEXT;
  return {
    async session(body) {
      const root = tracer.startSpan('session', { root: true, attributes: { 'session.id': 'bench' } });
      ctx = api.trace.setSpan(api.ROOT_CONTEXT, root);
      await body();
      root.end();
    },
    llm() {
      const attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': W.PROVIDER,
        'gen_ai.request.model': W.MODEL,
        'gen_ai.request.temperature': W.TEMPERATURE,
        'gen_ai.request.max_tokens': W.MAX_TOKENS,
        'gen_ai.response.finish_reasons': [W.FINISH_REASON],
        'gen_ai.usage.input_tokens': W.INPUT_TOKENS,
        'gen_ai.usage.output_tokens': W.OUTPUT_TOKENS,
        ...W.EXTRA,
      };
      if (content) {
        attributes['gen_ai.input.messages'] = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: W.PROMPT }] }]);
        attributes['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: W.COMPLETION }], finish_reason: W.FINISH_REASON }]);
      }
      tracer.startSpan(`chat ${W.MODEL}`, { kind: CLIENT, attributes }, ctx).end();
    },
    tool() {
      const attributes = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': W.TOOL_NAME };
      if (content) {
        attributes['gen_ai.tool.call.arguments'] = JSON.stringify(W.TOOL_ARGS);
        attributes['gen_ai.tool.call.result'] = JSON.stringify(W.TOOL_RESULT);
      }
      tracer.startSpan(`execute_tool ${W.TOOL_NAME}`, { kind: INTERNAL, attributes }, ctx).end();
    },
    async flush() {
      await provider.forceFlush();
    },
    async close() {
      await provider.shutdown();
    },
  };
}
