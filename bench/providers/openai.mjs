// The OpenAI provider of bench/provider-overhead.mjs: `chat.completions.create` with the real
// `openai` client against the loopback stub, and the same call wrapped by hand with the raw
// OpenTelemetry SDK (the GenAI attributes, the messages as JSON).

export const label = 'OpenAI chat.completions.create';

/** A recorded-shape chat completion. */
const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1735689600,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Your order 42 left the warehouse this morning and arrives tomorrow.', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 38, completion_tokens: 15, total_tokens: 53, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
  service_tier: 'default',
  system_fingerprint: 'fp_bench',
});

const REQUEST = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful assistant that answers briefly.' },
    { role: 'user', content: 'Where is my order 42? It was supposed to arrive yesterday.' },
  ],
  temperature: 0.2,
  max_tokens: 128,
};

/** The stub's answer to a request of this provider: status, headers, body. */
export function respond() {
  return { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_bench' }, body: COMPLETION };
}

/** The real client, pointed at the stub (or answered in-process, without a socket). */
export async function makeClient(base, inProcess) {
  const { default: OpenAI } = await import('openai');
  const fetchOption = inProcess ? { fetch: async () => new Response(COMPLETION, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_bench' } }) } : {};
  return new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-bench', maxRetries: 0, ...fetchOption });
}

/** One call, as an agent makes it. */
export function call(client) {
  return client.chat.completions.create(REQUEST);
}

/** The same client with its call wrapped by hand: the floor any OpenTelemetry-based instrumentation stands on. */
export function handWrap(client, { api, tracer }) {
  const completions = client.chat.completions;
  const create = completions.create.bind(completions);
  const wrapped = async (body, options) => {
    const span = tracer.startSpan(`chat ${body.model}`, { kind: api.SpanKind.CLIENT }, api.context.active());
    span.setAttribute('gen_ai.operation.name', 'chat');
    span.setAttribute('gen_ai.provider.name', 'openai');
    span.setAttribute('gen_ai.request.model', body.model);
    if (body.temperature !== undefined) span.setAttribute('gen_ai.request.temperature', body.temperature);
    if (body.max_tokens !== undefined) span.setAttribute('gen_ai.request.max_tokens', body.max_tokens);
    span.setAttribute('gen_ai.input.messages', JSON.stringify(body.messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] }))));
    try {
      const res = await api.context.with(api.trace.setSpan(api.context.active(), span), () => create(body, options));
      span.setAttribute('gen_ai.response.id', res.id);
      span.setAttribute('gen_ai.response.model', res.model);
      span.setAttribute('gen_ai.response.finish_reasons', res.choices.map((c) => c.finish_reason));
      span.setAttribute('gen_ai.usage.input_tokens', res.usage.prompt_tokens);
      span.setAttribute('gen_ai.usage.output_tokens', res.usage.completion_tokens);
      span.setAttribute('gen_ai.output.messages', JSON.stringify(res.choices.map((c) => ({ role: 'assistant', parts: [{ type: 'text', content: c.message.content }], finish_reason: c.finish_reason }))));
      return res;
    } catch (err) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  };
  return { chat: { completions: { create: wrapped } } };
}
