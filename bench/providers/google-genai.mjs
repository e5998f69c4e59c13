// The Google GenAI provider of bench/provider-overhead.mjs: `models.generateContent` with the real
// `@google/genai` client against the loopback stub, and the same call wrapped by hand with the raw
// OpenTelemetry SDK (the GenAI attributes, the messages as JSON).

export const label = 'Google GenAI models.generateContent';

/** A recorded-shape generateContent response of the Gemini API. */
const RESPONSE = JSON.stringify({
  candidates: [{ content: { parts: [{ text: 'Your order 42 left the warehouse this morning and arrives tomorrow.' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 38, candidatesTokenCount: 15, totalTokenCount: 53, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 38 }] },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp-bench',
});

const HEADERS = { 'content-type': 'application/json' };

const REQUEST = {
  model: 'gemini-2.5-flash',
  contents: [{ role: 'user', parts: [{ text: 'Where is my order 42? It was supposed to arrive yesterday.' }] }],
  config: { systemInstruction: 'You are a helpful assistant that answers briefly.', temperature: 0.2, maxOutputTokens: 128 },
};

/** The stub's answer to a request of this provider: status, headers, body. */
export function respond() {
  return { status: 200, headers: HEADERS, body: RESPONSE };
}

/** The real client, pointed at the stub (or answered in-process, without a socket). */
export async function makeClient(base, inProcess) {
  const { GoogleGenAI } = await import('@google/genai');
  const fetchOption = inProcess ? { fetch: async () => new Response(RESPONSE, { status: 200, headers: HEADERS }) } : {};
  return new GoogleGenAI({ apiKey: 'gemini-bench', httpOptions: { baseUrl: base, ...fetchOption } });
}

/** One call, as an agent makes it. */
export function call(client) {
  return client.models.generateContent(REQUEST);
}

/** The same client with its call wrapped by hand: the floor any OpenTelemetry-based instrumentation stands on. */
export function handWrap(client, { api, tracer }) {
  const generate = client.models.generateContent;
  const wrapped = async (params) => {
    const span = tracer.startSpan(`chat ${params.model}`, { kind: api.SpanKind.CLIENT }, api.context.active());
    const config = params.config ?? {};
    span.setAttribute('gen_ai.operation.name', 'chat');
    span.setAttribute('gen_ai.provider.name', 'gcp.gemini');
    span.setAttribute('gen_ai.request.model', params.model);
    if (config.temperature !== undefined) span.setAttribute('gen_ai.request.temperature', config.temperature);
    if (config.maxOutputTokens !== undefined) span.setAttribute('gen_ai.request.max_tokens', config.maxOutputTokens);
    span.setAttribute('gen_ai.system_instructions', JSON.stringify([{ type: 'text', content: config.systemInstruction }]));
    span.setAttribute('gen_ai.input.messages', JSON.stringify(params.contents.map((c) => ({ role: c.role, parts: c.parts.map((p) => ({ type: 'text', content: p.text })) }))));
    try {
      const res = await api.context.with(api.trace.setSpan(api.context.active(), span), () => generate(params));
      span.setAttribute('gen_ai.response.id', res.responseId);
      span.setAttribute('gen_ai.response.model', res.modelVersion);
      span.setAttribute('gen_ai.response.finish_reasons', res.candidates.map((c) => c.finishReason.toLowerCase()));
      span.setAttribute('gen_ai.usage.input_tokens', res.usageMetadata.promptTokenCount);
      span.setAttribute('gen_ai.usage.output_tokens', res.usageMetadata.candidatesTokenCount);
      span.setAttribute(
        'gen_ai.output.messages',
        JSON.stringify(res.candidates.map((c) => ({ role: 'assistant', parts: c.content.parts.map((p) => ({ type: 'text', content: p.text })), finish_reason: c.finishReason.toLowerCase() }))),
      );
      return res;
    } catch (err) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  };
  return { models: { generateContent: wrapped } };
}
