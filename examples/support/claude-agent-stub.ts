/**
 * Scripted Anthropic answers for a Claude Agent SDK run against the loopback stub (llm-stub.ts): the
 * Claude Code CLI the SDK starts sends its model calls to the stub (ANTHROPIC_BASE_URL), which
 * answers them in order. Each script returns the usage it will report, to compare with what was
 * recorded.
 */
import { anthropicEvents, anthropicMessage, type LlmStub } from './llm-stub';

export interface ScriptedUsage {
  /** Every input token (Anthropic's input_tokens plus cache reads and writes), summed over the calls. */
  input: number;
  output: number;
  calls: number;
}

interface Turn {
  id: string;
  text: string;
  toolUse?: { id: string; name: string; input: Record<string, unknown> };
  usage: { input_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number; output_tokens: number };
}

function script(stub: LlmStub, turns: Turn[]): ScriptedUsage {
  stub.enqueue(...turns.map((t) => ({ sse: anthropicEvents(anthropicMessage({ model: 'claude-haiku-4-5', id: t.id, text: t.text, toolUse: t.toolUse, usage: { ...t.usage, service_tier: 'standard' } })) })));
  return {
    input: turns.reduce((n, t) => n + t.usage.input_tokens + t.usage.cache_creation_input_tokens + t.usage.cache_read_input_tokens, 0),
    output: turns.reduce((n, t) => n + t.usage.output_tokens, 0),
    calls: turns.length,
  };
}

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Turn['usage'] => ({
  input_tokens: input,
  cache_creation_input_tokens: cacheWrite,
  cache_read_input_tokens: cacheRead,
  output_tokens: output,
});

/** The agent calls `get_weather` for `city`, then answers. */
export function scriptWeatherRun(stub: LlmStub, city = 'Paris'): ScriptedUsage {
  return script(stub, [
    { id: 'msg_turn1', text: 'Let me look.', toolUse: { id: 'toolu_w1', name: 'mcp__weather__get_weather', input: { city } }, usage: usage(30, 12, 10, 5) },
    { id: 'msg_turn2', text: `Here is the weather in ${city}.`, usage: usage(50, 6) },
  ]);
}

/**
 * The agent hands the question to a subagent (the `Agent` tool, in the foreground), which calls
 * `get_weather` and answers; then the agent answers.
 */
export function scriptSubagentRun(stub: LlmStub): ScriptedUsage {
  const task = { description: 'Weather lookup', prompt: 'Find the weather in Paris', subagent_type: 'general-purpose', run_in_background: false };
  return script(stub, [
    { id: 'msg_main1', text: 'Delegating.', toolUse: { id: 'toolu_task1', name: 'Agent', input: task }, usage: usage(40, 20) },
    { id: 'msg_sub1', text: 'Checking.', toolUse: { id: 'toolu_w2', name: 'mcp__weather__get_weather', input: { city: 'Paris' } }, usage: usage(25, 11) },
    { id: 'msg_sub2', text: 'Sunny in Paris.', usage: usage(35, 5) },
    { id: 'msg_main2', text: 'It is sunny in Paris.', usage: usage(60, 7) },
  ]);
}
