// The Bedrock Runtime provider of bench/provider-overhead.mjs: `client.send(new ConverseCommand())`
// with the real `@aws-sdk/client-bedrock-runtime` client (SigV4-signed with fake static credentials)
// against the loopback stub, and the same call wrapped by hand with the raw OpenTelemetry SDK (the
// GenAI attributes, the messages as JSON). The bench's stub speaks HTTP/1.1, so the client uses its
// own HTTP/1.1 handler (`@smithy/node-http-handler`, a dependency of the client) instead of its
// default HTTP/2 one.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

export const label = 'Bedrock Runtime Converse (client.send)';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';

/** A recorded-shape Converse reply. */
const REPLY = JSON.stringify({
  output: { message: { role: 'assistant', content: [{ text: 'Your order 42 left the warehouse this morning and arrives tomorrow.' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 38, outputTokens: 15, totalTokens: 53 },
  metrics: { latencyMs: 412 },
});

const HEADERS = { 'content-type': 'application/json', 'x-amzn-requestid': 'b7e3c1a0-bench-4000-8000-000000000001' };

const REQUEST = {
  modelId: MODEL,
  system: [{ text: 'You are a helpful assistant that answers briefly.' }],
  messages: [{ role: 'user', content: [{ text: 'Where is my order 42? It was supposed to arrive yesterday.' }] }],
  inferenceConfig: { temperature: 0.2, maxTokens: 128 },
};

let ConverseCommand;

/** The stub's answer to a request of this provider: status, headers, body. */
export function respond() {
  return { status: 200, headers: HEADERS, body: REPLY };
}

/** The real client, pointed at the stub (or answered in-process, without a socket). */
export async function makeClient(base, inProcess) {
  const sdk = await import('@aws-sdk/client-bedrock-runtime');
  ConverseCommand = sdk.ConverseCommand;
  const clientRequire = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-bedrock-runtime'));
  const { NodeHttpHandler } = clientRequire('@smithy/node-http-handler');
  const requestHandler = inProcess
    ? { handle: async () => ({ response: { statusCode: 200, headers: HEADERS, body: Readable.from([Buffer.from(REPLY)]) } }), updateHttpClientConfig() {}, httpHandlerConfigs: () => ({}) }
    : new NodeHttpHandler({ httpAgent: { keepAlive: true } });
  return new sdk.BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: base,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' },
    maxAttempts: 1,
    requestHandler,
  });
}

/** One call, as an agent makes it. */
export function call(client) {
  return client.send(new ConverseCommand(REQUEST));
}

/** The same client with its call wrapped by hand: the floor any OpenTelemetry-based instrumentation stands on. */
export function handWrap(client, { api, tracer }) {
  const send = client.send.bind(client);
  const wrapped = async (command, options) => {
    const input = command.input;
    const span = tracer.startSpan(`chat ${input.modelId}`, { kind: api.SpanKind.CLIENT }, api.context.active());
    span.setAttribute('gen_ai.operation.name', 'chat');
    span.setAttribute('gen_ai.provider.name', 'aws.bedrock');
    span.setAttribute('gen_ai.request.model', input.modelId);
    const config = input.inferenceConfig ?? {};
    if (config.temperature !== undefined) span.setAttribute('gen_ai.request.temperature', config.temperature);
    if (config.maxTokens !== undefined) span.setAttribute('gen_ai.request.max_tokens', config.maxTokens);
    span.setAttribute('gen_ai.system_instructions', JSON.stringify(input.system.map((b) => ({ type: 'text', content: b.text }))));
    span.setAttribute('gen_ai.input.messages', JSON.stringify(input.messages.map((m) => ({ role: m.role, parts: m.content.map((b) => ({ type: 'text', content: b.text })) }))));
    try {
      const res = await api.context.with(api.trace.setSpan(api.context.active(), span), () => send(command, options));
      span.setAttribute('gen_ai.response.id', res.$metadata.requestId);
      span.setAttribute('gen_ai.response.finish_reasons', [res.stopReason]);
      span.setAttribute('gen_ai.usage.input_tokens', res.usage.inputTokens);
      span.setAttribute('gen_ai.usage.output_tokens', res.usage.outputTokens);
      span.setAttribute(
        'gen_ai.output.messages',
        JSON.stringify([{ role: 'assistant', parts: res.output.message.content.map((b) => ({ type: 'text', content: b.text })), finish_reason: res.stopReason }]),
      );
      return res;
    } catch (err) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  };
  return { send: wrapped };
}
