/**
 * The Claude Agent SDK's message stream -> spans. A `query()` runs the Claude Code CLI in a child
 * process and reports what it did as messages (`SDKMessage`): assistant messages (one per content
 * block, each carrying the API message's id, model and usage), user messages carrying tool results,
 * `stream_event`s when the caller asked for partial messages, and a final `result` with the run's
 * totals. They become, in the session:
 *
 *   invoke_agent {name}                       the query; the result's totals (cost, usage, turns)
 *     chat {model}                            one per API message (model turn), with its usage
 *     execute_tool {name}                     one per tool_use block, ended by its tool_result
 *       chat {model} / execute_tool {name}    a subagent's turns and tools (parent_tool_use_id)
 *
 * The model calls are made by the CLI, not in this process, so the `chat` spans here are the only
 * ones for them. Usage per turn is what the stream reports: with partial messages the API's final
 * `message_delta` usage; without them the assistant messages carry the usage of `message_start`
 * (every input token, but the output tokens counted so far), and the run's exact totals are on the
 * agent span from the result. Nothing here throws into the caller's iteration.
 */
import type { Attributes } from '@opentelemetry/api';
import { LLMEvent } from '../../events/llm-event';
import { setContent } from '../../events/span-mapping';
import { ToolEvent } from '../../events/tool-event';
import * as A from '../../semconv';
import { activeHost } from '../host';
import { isRecord, num, str } from '../shared/llm-adapter';
import { AGENTOPS_AGENT_TOOLS, RunTree } from '../shared/run-tree';

export const FRAMEWORK = 'claude-agent-sdk';
/** The result's totals on the agent span. */
export const AGENT_COST_USD = 'agentops.agent.cost_usd';
export const AGENT_NUM_TURNS = 'agentops.agent.num_turns';
export const AGENT_DURATION_MS = 'agentops.agent.duration_ms';
export const AGENT_RESULT_SUBTYPE = 'agentops.agent.result';
/** A subagent's totals as the SDK reports them, on its Task tool's span. */
export const SUBAGENT_TOTAL_TOKENS = 'agentops.subagent.total_tokens';
export const SUBAGENT_TOOL_USES = 'agentops.subagent.tool_uses';
/** The Claude Code session the query ran in. */
export const CLAUDE_SESSION_ID = 'agentops.claude_agent.session_id';

const DEFAULT_AGENT_NAME = 'claude-agent';

type Json = Record<string, unknown>;

export interface QueryInfo {
  /** `options.agent`, or `claude-agent`. */
  name: string;
  /** The prompt when it is a string (content capture only). */
  prompt: unknown;
  instructions: unknown;
  tools: string[] | undefined;
  model: string | undefined;
}

/** What a `query({ prompt, options })` call says about the agent, read without touching anything else. */
export function queryInfo(params: unknown): QueryInfo {
  const p = isRecord(params) ? params : {};
  const o = isRecord(p.options) ? p.options : {};
  const name = typeof o.agent === 'string' && o.agent !== '' ? o.agent : DEFAULT_AGENT_NAME;
  const system = o.systemPrompt;
  const instructions = typeof system === 'string' || Array.isArray(system) ? system : isRecord(system) ? (system.prompt ?? system.append) : undefined;
  const list = Array.isArray(o.allowedTools) ? o.allowedTools : Array.isArray(o.tools) ? o.tools : undefined;
  return {
    name,
    prompt: typeof p.prompt === 'string' ? p.prompt : undefined,
    instructions,
    tools: list?.filter((t): t is string => typeof t === 'string'),
    model: str(o.model),
  };
}

interface Turn {
  readonly runId: string;
  readonly parentTool: string | null;
  readonly blocks: unknown[];
  /** Usage from `message_delta` (final) rather than from an assistant message (a `message_start` snapshot). */
  final: boolean;
  lastAt: number;
}

let queries = 0;

/** Records one query's messages; `observe` for each message, then exactly one of `done` / `failed` / `abandoned`. */
export class QueryRecorder {
  private readonly tree = new RunTree(FRAMEWORK);
  private readonly agentId: string;
  private readonly turns = new Map<string, Turn>();
  private readonly tools = new Set<string>();
  private finished = false;
  private sawResult = false;
  private resultError: Error | undefined;
  private toolError: Error | undefined;
  private output: unknown;

  constructor(private readonly info: QueryInfo) {
    this.agentId = `claude-agent:${++queries}`;
    const attributes: Attributes = { [A.GEN_AI_PROVIDER_NAME]: 'anthropic' };
    if (info.model !== undefined) attributes[A.GEN_AI_REQUEST_MODEL] = info.model;
    const span = this.tree.startAgent(this.agentId, undefined, { name: info.name, instructions: info.instructions, tools: info.tools, attributes });
    const policy = activeHost()?.recorder.policy;
    if (span?.isRecording() === true && policy?.capture === true && info.prompt !== undefined) setContent(span, A.AGENTOPS_OPERATION_INPUT, info.prompt, policy);
  }

  /** The context the query's own code runs in (its in-process tools, say): under the agent span. */
  context(): ReturnType<RunTree['context']> {
    return this.tree.context(this.agentId);
  }

  get ended(): boolean {
    return this.finished;
  }

  observe(message: unknown): void {
    if (this.finished || !isRecord(message)) return;
    try {
      const parentTool = typeof message.parent_tool_use_id === 'string' ? message.parent_tool_use_id : null;
      switch (message.type) {
        case 'assistant':
          if (isRecord(message.message)) this.assistant(message.message, parentTool);
          break;
        case 'stream_event':
          if (isRecord(message.event)) this.streamEvent(message.event, parentTool);
          break;
        case 'user':
          if (isRecord(message.message)) this.user(message.message, parentTool);
          break;
        case 'system':
          if (message.subtype === 'init') this.init(message);
          else if (message.subtype === 'task_progress' || message.subtype === 'task_notification') this.task(message);
          break;
        case 'result':
          this.result(message);
          break;
      }
    } catch (err) {
      activeHost()?.logger.once(`${FRAMEWORK}:message`, 'warn', `${FRAMEWORK}: a message could not be recorded; the query goes on (${String(err)}) (reported once)`);
    }
  }

  /** The stream ended (or, for a one-prompt query, its result came). */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.endTurns(null, true);
    for (const id of [...this.tools]) this.endTool(id, undefined, undefined);
    // A failed tool fails the run's span too (as in the other frameworks), even when the model went on.
    this.tree.end(this.agentId, { error: this.resultError ?? this.toolError, output: this.output });
  }

  /** The iteration threw: the open spans and the agent end with the error. */
  failed(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.endTurns(null, true);
    for (const id of [...this.tools]) this.endTool(id, undefined, error);
    this.tree.end(this.agentId, { error });
  }

  /** The caller stopped iterating (`break`, `return()`): after the result a normal end, before it every open span is ended as abandoned. */
  abandoned(): void {
    if (this.finished) return;
    if (this.sawResult) return this.done();
    this.finished = true;
    this.tree.abandon();
  }

  private parentOf(parentTool: string | null): string {
    return parentTool !== null && this.tree.has(toolRun(parentTool)) ? toolRun(parentTool) : this.agentId;
  }

  private init(m: Json): void {
    const attributes: Attributes = {};
    if (typeof m.session_id === 'string') attributes[CLAUDE_SESSION_ID] = m.session_id;
    if (typeof m.model === 'string' && this.info.model === undefined) attributes[A.GEN_AI_REQUEST_MODEL] = m.model;
    const tools = this.info.tools === undefined && Array.isArray(m.tools) ? m.tools.filter((t): t is string => typeof t === 'string') : [];
    if (tools.length > 0) attributes[AGENTOPS_AGENT_TOOLS] = tools;
    this.tree.setAttributes(this.agentId, attributes);
  }

  /** A subagent's progress: its own totals on its Task tool's span. */
  private task(m: Json): void {
    const span = typeof m.tool_use_id === 'string' ? this.tree.span(toolRun(m.tool_use_id)) : undefined;
    if (span?.isRecording() !== true || !isRecord(m.usage)) return;
    const tokens = num(m.usage.total_tokens);
    const uses = num(m.usage.tool_uses);
    if (tokens !== undefined) span.setAttribute(SUBAGENT_TOTAL_TOKENS, tokens);
    if (uses !== undefined) span.setAttribute(SUBAGENT_TOOL_USES, uses);
  }

  /** The turn of API message `message`, opened on its first sight (ending the previous turn of the same agent). */
  private turn(message: Json, parentTool: string | null): Turn | undefined {
    const id = str(message.id);
    if (id === undefined) return undefined;
    const runId = `chat:${id}`;
    const open = this.turns.get(runId);
    if (open !== undefined) return open;
    if (this.tree.has(runId)) return undefined;
    this.endTurns(parentTool, false);
    const model = str(message.model) ?? this.info.model;
    const event = new LLMEvent({ provider: 'anthropic', operation: 'chat', model, responseModel: str(message.model), responseId: id });
    if (this.tree.startLLM(runId, this.parentOf(parentTool), event) === undefined) return undefined;
    const turn: Turn = { runId, parentTool, blocks: [], final: false, lastAt: Date.now() };
    this.turns.set(runId, turn);
    return turn;
  }

  private assistant(message: Json, parentTool: string | null): void {
    const turn = this.turn(message, parentTool);
    if (turn === undefined) return;
    turn.lastAt = Date.now();
    if (!turn.final) this.usage(turn, message.usage);
    const event = this.tree.event<LLMEvent>(turn.runId);
    if (event !== undefined && typeof message.stop_reason === 'string') event.finishReasons = [message.stop_reason];
    const capture = activeHost()?.recorder.policy.capture === true;
    for (const block of Array.isArray(message.content) ? message.content : []) {
      if (capture) turn.blocks.push(block);
      if (isRecord(block) && (block.type === 'tool_use' || block.type === 'server_tool_use' || block.type === 'mcp_tool_use') && typeof block.id === 'string') {
        this.startTool(block, parentTool);
      }
    }
  }

  private streamEvent(event: Json, parentTool: string | null): void {
    if (event.type === 'message_start' && isRecord(event.message)) {
      const turn = this.turn(event.message, parentTool);
      if (turn !== undefined) this.usage(turn, event.message.usage);
      return;
    }
    if (event.type !== 'message_delta') return;
    // The delta belongs to the latest turn of this agent (the one `message_start` opened).
    const turn = [...this.turns.values()].reverse().find((t) => t.parentTool === parentTool);
    if (turn === undefined) return;
    turn.final = true;
    turn.lastAt = Date.now();
    this.usage(turn, event.usage);
    const llm = this.tree.event<LLMEvent>(turn.runId);
    const stop = isRecord(event.delta) ? str(event.delta.stop_reason) : undefined;
    if (llm !== undefined && stop !== undefined) llm.finishReasons = [stop];
  }

  /** Anthropic usage into the turn's event: every input token (cache reads and writes added back) and the output tokens. */
  private usage(turn: Turn, usage: unknown): void {
    const event = this.tree.event<LLMEvent>(turn.runId);
    if (event === undefined || !isRecord(usage)) return;
    const input = num(usage.input_tokens);
    const read = num(usage.cache_read_input_tokens);
    const written = num(usage.cache_creation_input_tokens);
    if (input !== undefined) event.promptTokens = input + (read ?? event.cachedTokens ?? 0) + (written ?? event.cacheCreationTokens ?? 0);
    if (read !== undefined) event.cachedTokens = read;
    if (written !== undefined) event.cacheCreationTokens = written;
    const output = num(usage.output_tokens);
    if (output !== undefined) event.completionTokens = output;
  }

  private startTool(block: Json, parentTool: string | null): void {
    const id = block.id as string;
    if (this.tools.has(id) || this.tree.has(toolRun(id))) return;
    const name = str(block.name) ?? 'tool';
    const event = new ToolEvent({ name, toolCallId: id, toolType: block.type === 'tool_use' ? 'function' : 'extension', params: block.input });
    if (this.tree.startTool(toolRun(id), this.parentOf(parentTool), event) !== undefined) this.tools.add(id);
  }

  private user(message: Json, parentTool: string | null): void {
    if (!Array.isArray(message.content)) return;
    let results = false;
    for (const block of message.content) {
      if (!isRecord(block) || block.type !== 'tool_result' || typeof block.tool_use_id !== 'string') continue;
      results = true;
      const error = block.is_error === true ? new ToolResultError(this.toolName(block.tool_use_id)) : undefined;
      if (error !== undefined) this.toolError ??= error;
      this.endTool(block.tool_use_id, block.content, error);
    }
    // Tool results go back to the model in a new turn: the turn that asked for them is over.
    if (results) this.endTurns(parentTool, false);
  }

  private toolName(id: string): string {
    return this.tree.event<ToolEvent>(toolRun(id))?.name ?? 'the tool';
  }

  private endTool(id: string, output: unknown, error: unknown): void {
    if (!this.tools.delete(id)) return;
    // A subagent's turns end with its Task tool.
    this.endTurns(id, true);
    const event = this.tree.event<ToolEvent>(toolRun(id));
    if (event !== undefined && output !== undefined) event.returns = output;
    this.tree.end(toolRun(id), error !== undefined ? { error } : {});
  }

  /** Ends the open turns of one agent (`parentTool`), or of every agent under it too (`nested`; null: all). */
  private endTurns(parentTool: string | null, nested: boolean): void {
    for (const turn of [...this.turns.values()]) {
      if (!(turn.parentTool === parentTool || (nested && parentTool === null))) continue;
      this.turns.delete(turn.runId);
      const event = this.tree.event<LLMEvent>(turn.runId);
      const capture = activeHost()?.recorder.policy.capture === true;
      if (event !== undefined && capture && turn.blocks.length > 0) event.completion = { role: 'assistant', content: turn.blocks };
      this.tree.end(turn.runId, { endTime: turn.lastAt });
    }
  }

  private result(m: Json): void {
    this.sawResult = true;
    this.endTurns(null, true);
    const attributes: Attributes = {};
    const cost = num(m.total_cost_usd);
    if (cost !== undefined) attributes[AGENT_COST_USD] = cost;
    const turns = num(m.num_turns);
    if (turns !== undefined) attributes[AGENT_NUM_TURNS] = turns;
    const duration = num(m.duration_ms);
    if (duration !== undefined) attributes[AGENT_DURATION_MS] = duration;
    if (typeof m.subtype === 'string') attributes[AGENT_RESULT_SUBTYPE] = m.subtype;
    const totals = runTotals(m);
    if (totals !== undefined) {
      attributes[A.GEN_AI_USAGE_INPUT_TOKENS] = totals.input + totals.read + totals.written;
      attributes[A.GEN_AI_USAGE_OUTPUT_TOKENS] = totals.output;
      attributes[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = totals.read;
      attributes[A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = totals.written;
    }
    const span = this.tree.span(this.agentId);
    if (span?.isRecording() === true) span.setAttributes(attributes);
    if (m.is_error === true || (typeof m.subtype === 'string' && m.subtype !== 'success')) {
      const errors = Array.isArray(m.errors) ? m.errors.filter((e) => typeof e === 'string') : [];
      this.resultError = new AgentResultError(String(m.subtype ?? 'error'), errors.length > 0 ? errors.join('; ') : str(m.result) ?? String(m.subtype ?? 'error'));
    } else {
      this.resultError = undefined;
      this.output = m.result;
    }
  }
}

/** A tool_result the CLI marked `is_error`: the tool failed and the model was told. Its text is the tool's output, recorded only as output. */
export class ToolResultError extends Error {
  override readonly name = 'ToolResultError';
  constructor(tool: string) {
    super(`${tool} returned an error result`);
  }
}

/** A result whose subtype is not `success` (`error_max_turns`, `error_during_execution`, ...): `error.type` is this class, the subtype is `agentops.agent.result`. */
export class AgentResultError extends Error {
  override readonly name = 'AgentResultError';
  constructor(readonly subtype: string, message: string) {
    super(`${subtype}: ${message}`);
  }
}

/**
 * The run's token totals: `modelUsage` (per model, subagents included) added up, or else `usage`
 * (the main agent's calls only).
 */
function runTotals(m: Json): { input: number; output: number; read: number; written: number } | undefined {
  if (isRecord(m.modelUsage) && Object.keys(m.modelUsage).length > 0) {
    const t = { input: 0, output: 0, read: 0, written: 0 };
    for (const u of Object.values(m.modelUsage)) {
      if (!isRecord(u)) continue;
      t.input += num(u.inputTokens) ?? 0;
      t.output += num(u.outputTokens) ?? 0;
      t.read += num(u.cacheReadInputTokens) ?? 0;
      t.written += num(u.cacheCreationInputTokens) ?? 0;
    }
    return t;
  }
  if (!isRecord(m.usage)) return undefined;
  return { input: num(m.usage.input_tokens) ?? 0, output: num(m.usage.output_tokens) ?? 0, read: num(m.usage.cache_read_input_tokens) ?? 0, written: num(m.usage.cache_creation_input_tokens) ?? 0 };
}

function toolRun(id: string): string {
  return `tool:${id}`;
}

