// The LangGraph framework of bench/agent-step-overhead.mjs: a `createReactAgent` with the real
// `ChatOpenAI` (against the loopback stub) and one tool. One run is one agent step (a model call
// that asks for the tool, the tool) and the model call that answers.

export const label = 'LangGraph createReactAgent (ChatOpenAI + one tool)';
/** Model calls and tool calls in one run. */
export const perRun = { modelCalls: 2, toolCalls: 1 };

const usage = (prompt, completion) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: 0 } });

const TOOL_CALL = JSON.stringify({
  id: 'chatcmpl-bench-1',
  object: 'chat.completion',
  created: 1735689600,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":42}' } }] }, finish_reason: 'tool_calls' }],
  usage: usage(61, 18),
});

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench-2',
  object: 'chat.completion',
  created: 1735689600,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Your order 42 left the warehouse this morning and arrives tomorrow.' }, finish_reason: 'stop' }],
  usage: usage(97, 15),
});

/** The stub's answer: the tool call, or the answer once the conversation holds the tool's result. */
export function respond(_req, body) {
  const messages = JSON.parse(body.toString('utf8')).messages ?? [];
  const answered = messages.some((m) => m.role === 'tool');
  return { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_bench' }, body: answered ? ANSWER : TOOL_CALL };
}

/** The agent, its model pointed at the stub. */
export async function makeAgent(base) {
  const { ChatOpenAI } = await import('@langchain/openai');
  const { createReactAgent } = await import('@langchain/langgraph/prebuilt');
  const { tool } = await import('@langchain/core/tools');
  const { z } = await import('zod');
  const lookup = tool(async ({ order_id }) => JSON.stringify({ order_id, status: 'shipped', eta: 'tomorrow' }), {
    name: 'lookup_order',
    description: 'Look an order up',
    schema: z.object({ order_id: z.number() }),
  });
  const llm = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-bench', maxRetries: 0, configuration: { baseURL: `${base}/v1` } });
  return createReactAgent({ llm, tools: [lookup], name: 'order_agent' });
}

/** One run, as an application makes it. */
export function run(agent) {
  return agent.invoke({ messages: [{ role: 'user', content: 'Where is my order 42?' }] });
}
