// OpenLLMetry (Traceloop SDK), as its docs say: initialize() with a baseUrl, withWorkflow around
// the session, withLLMCall + reportRequest/reportResponse for LLM calls, withTool for tools.
// Its own telemetry is off (TRACELOOP_TELEMETRY=false). The SDK has no API for temperature and
// max tokens on a manual LLM span; the six extra attributes go through association properties.
import { createRequire } from 'node:module';
import * as W from '../workload.mjs';

process.env.TRACELOOP_TELEMETRY = 'false';
const require = createRequire(new URL('../peers/package.json', import.meta.url));
const traceloop = require('@traceloop/node-server-sdk');

export async function setup({ baseUrl, content }) {
  traceloop.initialize({ baseUrl, apiKey: 'bench', appName: 'bench', disableBatch: false, traceContent: content, silenceInitializationMessage: true, logLevel: 'error', instrumentModules: {} });
  const messages = [{ role: 'user', content: W.PROMPT }];
  const completions = [{ finish_reason: W.FINISH_REASON, message: { role: 'assistant', content: W.COMPLETION } }];
  const usage = { prompt_tokens: W.INPUT_TOKENS, completion_tokens: W.OUTPUT_TOKENS, total_tokens: W.INPUT_TOKENS + W.OUTPUT_TOKENS };
  const call = ({ span }) => {
    span.reportRequest({ model: W.MODEL, messages });
    span.reportResponse({ model: W.MODEL, usage, completions });
  };
  const toolFn = () => W.TOOL_RESULT;
  return {
    async session(body) {
      await traceloop.withWorkflow({ name: 'session' }, body);
    },
    llm() {
      traceloop.withAssociationProperties(W.EXTRA, () => traceloop.withLLMCall({ vendor: W.PROVIDER, type: 'chat' }, call));
    },
    tool() {
      void traceloop.withTool({ name: W.TOOL_NAME }, toolFn, W.TOOL_ARGS);
    },
    async flush() {
      await traceloop.forceFlush();
    },
    async close() {},
  };
}
