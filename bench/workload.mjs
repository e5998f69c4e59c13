// The one workload every contender records: a session (root span) with N LLM calls and N/2 tool
// calls as its children. Same data for everyone, built once per process.

export const PROMPT = 'You are a support agent. '.repeat(41).slice(0, 1024); // 1 KiB
export const COMPLETION = 'Your order 42 shipped yesterday. '.repeat(16).slice(0, 512); // 512 bytes
export const MODEL = 'gpt-4o-mini';
export const PROVIDER = 'openai';
export const INPUT_TOKENS = 312;
export const OUTPUT_TOKENS = 118;
export const TEMPERATURE = 0.2;
export const MAX_TOKENS = 512;
export const FINISH_REASON = 'stop';
/** Six small string attributes. */
export const EXTRA = { 'app.tenant': 'acme', 'app.region': 'eu-west-1', 'app.channel': 'chat', 'app.version': '2.3.1', 'app.flow': 'refund', 'app.locale': 'en-GB' };
export const TOOL_NAME = 'lookup_order';
export const TOOL_ARGS = { order_id: 42, include: ['items', 'shipping'] };
export const TOOL_RESULT = { order_id: 42, status: 'shipped', carrier: 'UPS' };

// The GenAI message JSON a floor SDK sets by hand: the same text our SDK records.
export const INPUT_MESSAGES_JSON = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: PROMPT }] }]);
export const OUTPUT_MESSAGES_JSON = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: COMPLETION }], finish_reason: FINISH_REASON }]);

/** Spans one session produces: root + N LLM + N/2 tool. */
export function spansFor(n) {
  return 1 + n + Math.floor(n / 2);
}

/** Events recorded between two yields to the event loop. */
export const CHUNK = 30;

/**
 * Records the workload with a contender: `llm(i)` and `tool(i)` record one event each, N LLM events
 * and a tool event after every second one. Events go in chunks of CHUNK; after each chunk the
 * microtasks the chunk queued are drained, then the loop yields with setImmediate, as an agent
 * awaiting its calls does, so exporters run at their normal pace between chunks. Returns the
 * process CPU (user + system, all threads) spent inside the chunks, in microseconds: the recording
 * itself, without the export work that runs between chunks.
 */
export async function runLoop(n, llm, tool, onProgress) {
  let cpuUs = 0;
  let i = 0;
  let nextProgress = 100_000;
  while (i < n) {
    const cpu0 = process.cpuUsage();
    for (let events = 0; events < CHUNK && i < n; i++) {
      llm(i);
      events++;
      if (i % 2 === 1) {
        tool(i);
        events++;
      }
    }
    await drainMicrotasks();
    const d = process.cpuUsage(cpu0);
    cpuUs += d.user + d.system;
    await new Promise((r) => setImmediate(r));
    if (onProgress && i >= nextProgress) {
      await onProgress(i);
      nextProgress += 100_000;
    }
  }
  return cpuUs;
}

/** Lets every microtask queued so far (and those they queue, a few levels deep) run. */
async function drainMicrotasks() {
  for (let k = 0; k < 4; k++) await Promise.resolve();
}
