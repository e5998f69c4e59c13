// The Anthropic provider of bench/provider-overhead.mjs: `messages.create` with the real
// `@anthropic-ai/sdk` client against the loopback stub, and the same call wrapped by hand with the raw
// OpenTelemetry SDK (the GenAI attributes, the system instruction and messages as JSON).

export const label = 'Anthropic messages.create';

/** A recorded-shape Messages API answer. */
const MESSAGE = JSON.stringify({
  id: 'msg_bench',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5-20251001',
  content: [{ type: 'text', text: 'Your order 42 left the warehouse this morning and arrives tomorrow.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 38, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 15, service_tier: 'standard' },
});

const HEADERS = { 'content-type': 'application/json', 'request-id': 'req_bench' };

const REQUEST = {
  model: 'claude-haiku-4-5',
  system: 'You are a helpful assistant that answers briefly.',
  messages: [{ role: 'user', content: 'Where is my order 42? It was supposed to arrive yesterday.' }],
  temperature: 0.2,
  max_tokens: 128,
};

/** The stub's answer to a request of this provider: status, headers, body. */
export function respond() {
  return { status: 200, headers: HEADERS, body: MESSAGE };
}

/** The real client, pointed at the stub (or answered in-process, without a socket). */
export async function makeClient(base, inProcess) {
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  const fetchOption = inProcess ? { fetch: async () => new Response(MESSAGE, { status: 200, headers: HEADERS }) } : {};
  return new Anthropic({ baseURL: base, apiKey: 'sk-ant-bench', maxRetries: 0, ...fetchOption });
}

/** One call, as an agent makes it. */
export function call(client) {
  return client.messages.create(REQUEST);
}

/** The same client with its call wrapped by hand: the floor any OpenTelemetry-based instrumentation stands on. */
export function handWrap(client, { api, tracer }) {
  const messages = client.messages;
  const create = messages.create.bind(messages);
  const wrapped = async (body, options) => {
    const span = tracer.startSpan(
      `chat ${body.model}`,
      {
        kind: api.SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': body.model,
          'gen_ai.request.temperature': body.temperature,
          'gen_ai.request.max_tokens': body.max_tokens,
          'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: body.system }]),
          'gen_ai.input.messages': JSON.stringify(body.messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] }))),
        },
      },
      api.context.active(),
    );
    try {
      const res = await api.context.with(api.trace.setSpan(api.context.active(), span), () => create(body, options));
      span.setAttributes({
        'gen_ai.response.id': res.id,
        'gen_ai.response.model': res.model,
        'gen_ai.response.finish_reasons': [res.stop_reason],
        'gen_ai.usage.input_tokens': res.usage.input_tokens,
        'gen_ai.usage.output_tokens': res.usage.output_tokens,
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: res.content.map((p) => ({ type: 'text', content: p.text })), finish_reason: res.stop_reason }]),
      });
      return res;
    } catch (err) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  };
  return { messages: { create: wrapped } };
}
