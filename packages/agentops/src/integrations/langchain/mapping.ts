/**
 * LangChain's callback payloads -> agentops events and span attributes: the messages of a chat
 * model run in the OpenAI shape `events/messages.ts` reads, the model and usage of its result, a
 * tool's input and output, a retriever's documents, and which chain runs are agents (LangGraph
 * graphs, AgentExecutor), graph nodes, or LangGraph's own plumbing. Never throws on odd input.
 */
import type { LLMEvent, LLMParams } from '../../events/llm-event';
import { isRecord } from '../shared/llm-adapter';

type Json = Record<string, unknown>;

/** LangChain's `Serialized`: `{ id: ['langchain_core', 'runnables', 'RunnableSequence'], ... }`. */
export function serializedId(serialized: unknown): string[] {
  const id = isRecord(serialized) ? serialized.id : undefined;
  return Array.isArray(id) ? id.filter((s): s is string => typeof s === 'string') : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The run's name: the one it was given, else its class. */
export function runName(serialized: unknown, name: unknown, fallback: string): string {
  return str(name) ?? serializedId(serialized).at(-1) ?? (isRecord(serialized) ? str(serialized.name) : undefined) ?? fallback;
}

export type ChainRole = 'agent' | 'node' | 'hidden' | 'chain';

/**
 * What a chain run is: a LangGraph graph or an AgentExecutor (an agent), a node of a graph, a run
 * LangGraph marks hidden or any other run inside a node (plumbing: skipped, its children go to the
 * nearest recorded run), or a plain chain.
 */
export function chainRole(serialized: unknown, name: string, tags: unknown, metadata: unknown): ChainRole {
  const id = serializedId(serialized);
  if (id[0] === 'langgraph' || id.at(-1) === 'AgentExecutor') return 'agent';
  const tagList = Array.isArray(tags) ? tags : [];
  if (tagList.includes('langsmith:hidden')) return 'hidden';
  const node = isRecord(metadata) ? metadata.langgraph_node : undefined;
  if (node === undefined) return 'chain';
  if (node === name && tagList.some((t) => typeof t === 'string' && t.startsWith('graph:step:'))) return 'node';
  return 'hidden';
}

/** LangGraph's control-flow exceptions (an interrupt, a command to the parent graph): not failures. */
export function isGraphControlFlow(err: unknown): boolean {
  const name = err instanceof Error ? err.name : undefined;
  return name === 'GraphInterrupt' || name === 'NodeInterrupt' || name === 'ParentCommand' || name === 'GraphBubbleUp';
}

const ROLES: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool', function: 'function', generic: 'user', developer: 'system' };

function messageType(m: Json): string | undefined {
  try {
    if (typeof m._getType === 'function') return str((m._getType as () => unknown).call(m));
    if (typeof m.getType === 'function') return str((m.getType as () => unknown).call(m));
  } catch {
    // fall back to the field
  }
  return str(m.type) ?? str(m.role);
}

/** One LangChain message (a BaseMessage, or its plain form) in the OpenAI chat shape. */
export function toChatMessage(m: unknown): Json {
  if (typeof m === 'string') return { role: 'user', content: m };
  if (!isRecord(m)) return { role: 'user', content: String(m) };
  const type = messageType(m);
  const out: Json = { role: ROLES[type ?? ''] ?? type ?? 'user', content: m.content ?? '' };
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  if (calls.length > 0) {
    out.tool_calls = calls.filter(isRecord).map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: typeof c.args === 'string' ? c.args : JSON.stringify(c.args ?? {}) } }));
  }
  if (typeof m.tool_call_id === 'string') out.tool_call_id = m.tool_call_id;
  return out;
}

/** `handleChatModelStart`'s `messages[][]` (one list per prompt; a model run has one). */
export function promptMessages(messages: unknown): Json[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  const first: unknown = messages[0];
  return Array.isArray(first) ? first.map(toChatMessage) : messages.map(toChatMessage);
}

/** Model, provider and request parameters of a model run, from its invocation parameters and LangSmith metadata. */
export function modelRequest(serialized: unknown, extraParams: unknown, metadata: unknown): { model?: string; provider?: string; params: LLMParams } {
  const inv = isRecord(extraParams) && isRecord(extraParams.invocation_params) ? extraParams.invocation_params : {};
  const meta = isRecord(metadata) ? metadata : {};
  const kwargs = isRecord(serialized) && isRecord(serialized.kwargs) ? serialized.kwargs : {};
  const model = str(inv.model) ?? str(inv.model_name) ?? str(meta.ls_model_name) ?? str(kwargs.model) ?? str(kwargs.model_name);
  const provider = str(meta.ls_provider) ?? providerFromId(serializedId(serialized));
  const params: LLMParams = {};
  const temperature = num(inv.temperature) ?? num(meta.ls_temperature);
  const maxTokens = num(inv.max_tokens) ?? num(inv.max_completion_tokens) ?? num(meta.ls_max_tokens);
  const topP = num(inv.top_p);
  if (temperature !== undefined) params.temperature = temperature;
  if (maxTokens !== undefined) params.maxTokens = maxTokens;
  if (topP !== undefined) params.topP = topP;
  if (inv.stream === true) params.stream = true;
  return { model, provider, params };
}

/** `['langchain', 'chat_models', 'openai', 'ChatOpenAI']` -> `openai`. */
function providerFromId(id: string[]): string | undefined {
  const i = id.indexOf('chat_models');
  return i >= 0 ? id[i + 1] : undefined;
}

/** Fills the event from a model run's `LLMResult`: response model and id, finish reasons, usage, completion. */
export function applyResult(event: LLMEvent, output: unknown, capture: boolean): void {
  if (!isRecord(output)) return;
  const gens = Array.isArray(output.generations) ? (output.generations[0] as unknown) : undefined;
  const first: unknown = Array.isArray(gens) ? gens[0] : undefined;
  const message = isRecord(first) && isRecord(first.message) ? first.message : undefined;
  const meta = message !== undefined && isRecord(message.response_metadata) ? message.response_metadata : {};
  const info = isRecord(first) && isRecord(first.generationInfo) ? first.generationInfo : {};
  event.responseModel = str(meta.model_name) ?? str(meta.model) ?? event.responseModel;
  const id = message === undefined ? undefined : str(message.id);
  if (id !== undefined) event.responseId = id;
  const finish = str(meta.finish_reason) ?? str(info.finish_reason) ?? str(meta.stop_reason);
  if (finish !== undefined) event.finishReasons = [finish];
  const usage = message !== undefined && isRecord(message.usage_metadata) ? message.usage_metadata : undefined;
  if (usage !== undefined) {
    event.promptTokens = num(usage.input_tokens);
    event.completionTokens = num(usage.output_tokens);
    const inDetails = isRecord(usage.input_token_details) ? usage.input_token_details : {};
    const outDetails = isRecord(usage.output_token_details) ? usage.output_token_details : {};
    const cached = num(inDetails.cache_read);
    if (cached !== undefined && cached > 0) event.cachedTokens = cached;
    const created = num(inDetails.cache_creation);
    if (created !== undefined && created > 0) event.cacheCreationTokens = created;
    const reasoning = num(outDetails.reasoning);
    if (reasoning !== undefined && reasoning > 0) event.reasoningTokens = reasoning;
  } else {
    const tu = isRecord(output.llmOutput) && isRecord(output.llmOutput.tokenUsage) ? output.llmOutput.tokenUsage : {};
    event.promptTokens = num(tu.promptTokens);
    event.completionTokens = num(tu.completionTokens);
  }
  if (capture) event.completion = message !== undefined ? toChatMessage(message) : isRecord(first) ? first.text : undefined;
}

/** A tool's input: the JSON string of its arguments, parsed when it is JSON. */
export function toolInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  const t = input.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

/** A tool's output: a ToolMessage's content, or the value itself. */
export function toolOutput(output: unknown): unknown {
  if (isRecord(output) && messageType(output) === 'tool' && 'content' in output) return output.content;
  return output;
}

/** A retriever's documents, for content capture: `[{ content, metadata }]`. */
export function documents(docs: unknown): Array<{ content: unknown; metadata: unknown }> {
  return Array.isArray(docs) ? docs.map((d) => (isRecord(d) ? { content: d.pageContent, metadata: d.metadata } : { content: d, metadata: undefined })) : [];
}
