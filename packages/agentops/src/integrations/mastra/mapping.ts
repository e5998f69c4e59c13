/**
 * How Mastra's spans map to agentops spans. Mastra reports its work (through `@mastra/observability`)
 * as spans of a type each (`agent_run`, `model_generation`, `model_step`, `model_inference`,
 * `tool_call`, `workflow_run`, `workflow_step`, ...) with an id, a parent id, typed attributes,
 * input, output and error info. agentops keeps:
 * - `agent_run` -> `invoke_agent {name}`;
 * - `model_inference` (one model call) -> `chat {model}` with its usage: Mastra's `model_generation`
 *   (the sum of a generation's calls) and `model_step` would count the same tokens again, so they
 *   are not recorded, and what they contain nests under the nearest recorded ancestor;
 * - `tool_call` and `mcp_tool_call` -> `execute_tool {name}`;
 * - `workflow_run` -> `workflow {id}` and `workflow_step` -> `step {id}` (kinds `workflow`, `step`).
 * Every other type (chunks, processors, memory, ...) is not recorded.
 */
import { LLMEvent } from '../../events/llm-event';
import { ToolEvent } from '../../events/tool-event';
import { providerName } from '../ai-sdk/mapping';
import { isRecord } from '../shared/llm-adapter';

/** An exported Mastra span, as far as the mapping reads it (`ExportedSpan` in `@mastra/core/observability`). */
export interface MastraSpan {
  id: string;
  parentSpanId?: string;
  traceId?: string;
  name?: string;
  type: string;
  entityId?: string;
  entityName?: string;
  startTime?: Date | number | string;
  endTime?: Date | number | string;
  attributes?: Record<string, unknown>;
  input?: unknown;
  output?: unknown;
  errorInfo?: { message?: string; name?: string; stack?: string };
  isEvent?: boolean;
}

export type Role = 'agent' | 'llm' | 'tool' | 'workflow' | 'step';

const ROLES: Readonly<Record<string, Role>> = {
  agent_run: 'agent',
  model_inference: 'llm',
  tool_call: 'tool',
  mcp_tool_call: 'tool',
  workflow_run: 'workflow',
  workflow_step: 'step',
};

/** What a Mastra span becomes, or undefined when it is not recorded. */
export function roleOf(type: unknown): Role | undefined {
  return typeof type === 'string' ? ROLES[type] : undefined;
}

/** Whether a span's input is the prompt of the model calls inside it (a `model_step`). */
export function holdsPrompt(type: unknown): boolean {
  return type === 'model_step';
}

export function asSpan(v: unknown): MastraSpan | undefined {
  return isRecord(v) && typeof v.id === 'string' && typeof v.type === 'string' ? (v as unknown as MastraSpan) : undefined;
}

export function attrs(s: MastraSpan): Record<string, unknown> {
  return isRecord(s.attributes) ? s.attributes : {};
}

/** A timestamp as epoch ms, or undefined. */
export function epochMs(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The name inside Mastra's own span name (`tool: 'lookup_order'` -> `lookup_order`). */
function quoted(name: unknown): string | undefined {
  const m = typeof name === 'string' ? /'([^']+)'/.exec(name) : null;
  return m?.[1];
}

/** The entity a span is about: its entity name or id, else the name Mastra put in the span's name. */
export function entityName(s: MastraSpan): string | undefined {
  return str(s.entityName) ?? str(s.entityId) ?? quoted(s.name);
}

/** A workflow step's id: the name in its span's name (its entity is the workflow). */
export function stepName(s: MastraSpan): string | undefined {
  return quoted(s.name) ?? entityName(s);
}

export function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** The error Mastra reported on a span, as an Error with its name, message and stack. */
export function errorOf(s: MastraSpan): Error | undefined {
  const info = s.errorInfo;
  if (!isRecord(info)) return undefined;
  const err = new Error(typeof info.message === 'string' ? info.message : 'error');
  err.name = str(info.name) ?? 'Error';
  if (typeof info.stack === 'string') err.stack = info.stack;
  return err;
}

/** A model call as it starts: the model, the provider, the request's parameters. */
export function llmEvent(s: MastraSpan): LLMEvent {
  const a = attrs(s);
  const params = isRecord(a.parameters) ? a.parameters : {};
  const provider = str(a.provider);
  return new LLMEvent({
    model: str(a.model),
    provider: provider === undefined ? undefined : providerName(provider),
    operation: 'chat',
    params: {
      temperature: num(params.temperature),
      maxTokens: num(params.maxOutputTokens),
      topP: num(params.topP),
      topK: num(params.topK),
      frequencyPenalty: num(params.frequencyPenalty),
      presencePenalty: num(params.presencePenalty),
      stopSequences: stringList(params.stopSequences),
      seed: num(params.seed),
      stream: typeof a.streaming === 'boolean' ? a.streaming : undefined,
    },
    initTimestamp: epochMs(s.startTime),
  });
}

/** What the model call's end tells: usage, response, finish reason; the completion with capture. */
export function finishLLM(e: LLMEvent, s: MastraSpan, capture: boolean): void {
  const a = attrs(s);
  const usage = isRecord(a.usage) ? a.usage : {};
  const inDetails = isRecord(usage.inputDetails) ? usage.inputDetails : {};
  const outDetails = isRecord(usage.outputDetails) ? usage.outputDetails : {};
  const finish = str(a.finishReason);
  e.promptTokens = num(usage.inputTokens);
  e.completionTokens = num(usage.outputTokens);
  e.cachedTokens = num(inDetails.cacheRead);
  e.cacheCreationTokens = num(inDetails.cacheWrite);
  e.reasoningTokens = num(outDetails.reasoning);
  e.responseModel = str(a.responseModel);
  e.responseId = str(a.responseId);
  e.finishReasons = finish === undefined ? undefined : [finish];
  if (capture) e.completion = completionOf(s.output, finish);
  const end = epochMs(s.endTime);
  if (end !== undefined) e.endTimestamp = end;
}

/** A model call's output (`{ text, toolCalls }`) as an assistant message in the GenAI conventions' shape. */
function completionOf(output: unknown, finish: string | undefined): unknown {
  if (typeof output === 'string') return output;
  if (!isRecord(output)) return undefined;
  const parts: Array<Record<string, unknown>> = [];
  if (typeof output.text === 'string' && output.text !== '') parts.push({ type: 'text', content: output.text });
  if (Array.isArray(output.toolCalls)) {
    for (const c of output.toolCalls) {
      if (!isRecord(c)) continue;
      parts.push({ type: 'tool_call', id: c.toolCallId, name: c.toolName, arguments: c.args ?? c.input });
    }
  }
  if (parts.length === 0) return undefined;
  return [{ role: 'assistant', parts, ...(finish === undefined ? {} : { finish_reason: finish }) }];
}

/** A tool call: name, call id, description; its arguments with capture (the recorder applies the policy). */
export function toolEvent(s: MastraSpan): ToolEvent {
  const a = attrs(s);
  return new ToolEvent({
    name: entityName(s) ?? 'tool',
    toolCallId: str(a.toolCallId),
    toolType: 'function',
    description: str(a.toolDescription),
    params: s.input,
    initTimestamp: epochMs(s.startTime),
  });
}
