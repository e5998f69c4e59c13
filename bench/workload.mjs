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

/**
 * Records the workload with a contender: `llm(i)` and `tool(i)` record one event each. The loop
 * yields to the event loop every 32 events, as an agent awaiting its calls does, so exporters run
 * at their normal pace. Returns CPU microseconds spent in the loop (process CPU, all threads).
 */
export async function runLoop(n, llm, tool, onProgress) {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    llm(i);
    if (i % 2 === 1) tool(i);
    if (i % 32 === 31) await new Promise((r) => setImmediate(r));
    if (onProgress && i % 10000 === 9999) await onProgress(i + 1);
  }
  const d = process.cpuUsage(cpu0);
  return d.user + d.system;
}
