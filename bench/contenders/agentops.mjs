// This SDK, recording the workload with session.record(new LLMEvent(...)), sending OTLP/protobuf
// to the sink as the collector destination (plus the vendor and an extra destination for fan-out);
// metrics on (the default) or off.
import { createRequire } from 'node:module';
import * as W from '../workload.mjs';

const require = createRequire(new URL('../../packages/agentops/package.json', import.meta.url));
const agentops = require('./dist/index.js');

export async function setup({ baseUrl, content, destinations = 1, metrics = true }) {
  process.env.OTLP_EXPORTER_ENDPOINT = baseUrl;
  const fanout =
    destinations >= 3
      ? { apiKey: 'bench-key-0001', apiEndpoint: baseUrl, exporterEndpoint: `${baseUrl}/v1/traces`, logSessionUrl: false, destinations: [{ name: 'third', url: `${baseUrl}/v1/traces` }] }
      : {};
  agentops.init({ autoStartSession: false, logLevel: 'silent', handleExit: false, captureContent: content, metrics, ...fanout });
  let session;
  return {
    async session(body) {
      session = agentops.startSession({ name: 'session' });
      await session.run(body);
      session.end();
    },
    llm() {
      session.record(
        new agentops.LLMEvent({
          model: W.MODEL,
          provider: W.PROVIDER,
          prompt: W.PROMPT,
          completion: W.COMPLETION,
          promptTokens: W.INPUT_TOKENS,
          completionTokens: W.OUTPUT_TOKENS,
          finishReasons: [W.FINISH_REASON],
          params: { temperature: W.TEMPERATURE, max_tokens: W.MAX_TOKENS },
          attributes: W.EXTRA,
        }),
      );
    },
    tool() {
      session.record(new agentops.ToolEvent({ name: W.TOOL_NAME, params: W.TOOL_ARGS, returns: W.TOOL_RESULT }));
    },
    async flush() {
      await agentops.flush(60_000);
    },
    async close() {
      await agentops.shutdown(60_000);
    },
  };
}
