// The OpenAI Agents SDK provider of bench/provider-overhead.mjs: one agent run is one agent step
// with a tool — a model call that asks for the tool, the tool, and a model call that answers — with
// the real `@openai/agents` and `openai` against the loopback stub's Responses API. The hand-wrapped
// side is a trace processor on the raw OpenTelemetry SDK: one span per SDK span, nested by parent id.

export const label = 'OpenAI Agents run (2 model calls + 1 tool)';

const usage = { input_tokens: 64, input_tokens_details: { cached_tokens: 0 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 76 };

function response(id, output) {
  return JSON.stringify({
    id, object: 'response', created_at: 1735689600, status: 'completed', error: null, incomplete_details: null, instructions: null,
    max_output_tokens: null, model: 'gpt-4o-mini-2024-07-18', output, parallel_tool_calls: true, previous_response_id: null,
    reasoning: { effort: null, summary: null }, store: true, temperature: 1, text: { format: { type: 'text' } }, tool_choice: 'auto',
    tools: [], top_p: 1, truncation: 'disabled', usage, user: null, metadata: {},
  });
}

const TOOL_CALL = response('resp_bench_1', [{ type: 'function_call', id: 'fc_bench', call_id: 'call_bench', name: 'lookup_order', arguments: '{"order_id":42}', status: 'completed' }]);
const ANSWER = response('resp_bench_2', [{ type: 'message', id: 'msg_bench', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Order 42 arrives tomorrow.', annotations: [] }] }]);

function answerFor(body) {
  // The tool's output in the input: the second call of the step.
  return body.includes('"function_call_output"') ? ANSWER : TOOL_CALL;
}

/** The stub's answer to a request of this provider: status, headers, body. */
export function respond(_req, body) {
  return { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_bench' }, body: answerFor(body.toString('utf8')) };
}

let agents;
let runner;
let agent;

/** The SDK's module (what `agentops.instrument()` patches), its runner and agent set up against the stub. */
export async function makeClient(base, inProcess) {
  agents = await import('@openai/agents');
  const { default: OpenAI } = await import('openai');
  agents.setTracingDisabled(false);
  // No export to OpenAI from the bench.
  agents.setTraceProcessors([]);
  const fetchOption = inProcess
    ? { fetch: async (_url, init) => new Response(answerFor(String(init.body)), { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_bench' } }) }
    : {};
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-bench', maxRetries: 0, ...fetchOption });
  runner = new agents.Runner({ modelProvider: new agents.OpenAIProvider({ openAIClient: client }) });
  const lookup = agents.tool({
    name: 'lookup_order',
    description: 'Find an order by id',
    parameters: { type: 'object', properties: { order_id: { type: 'number' } }, required: ['order_id'], additionalProperties: false },
    strict: true,
    execute: async ({ order_id }) => `order ${order_id}: shipped`,
  });
  agent = new agents.Agent({ name: 'Support agent', instructions: 'Answer briefly.', model: 'gpt-4o-mini', tools: [lookup] });
  return agents;
}

/** One agent step: the run's two model calls and its tool. */
export function call() {
  return runner.run(agent, 'Where is order 42?');
}

/** A raw OpenTelemetry trace processor: the floor any processor-based instrumentation stands on. */
export function handWrap(client, { api, tracer }) {
  const open = new Map();
  client.addTraceProcessor({
    async onTraceStart() {},
    async onTraceEnd() {},
    async onSpanStart(s) {
      const parent = open.get(s.parentId);
      const ctx = parent === undefined ? api.context.active() : api.trace.setSpan(api.context.active(), parent);
      const d = s.spanData;
      const span = tracer.startSpan(`${d.type} ${d.name ?? ''}`, { kind: api.SpanKind.INTERNAL }, ctx);
      open.set(s.spanId, span);
    },
    async onSpanEnd(s) {
      const span = open.get(s.spanId);
      if (span === undefined) return;
      open.delete(s.spanId);
      const d = s.spanData;
      if (d.type === 'response' && d._response?.usage) {
        span.setAttribute('gen_ai.usage.input_tokens', d._response.usage.input_tokens);
        span.setAttribute('gen_ai.usage.output_tokens', d._response.usage.output_tokens);
      }
      if (s.error) span.setStatus({ code: api.SpanStatusCode.ERROR, message: s.error.message });
      span.end();
    },
    async shutdown() {},
    async forceFlush() {},
  });
  return client;
}
