/**
 * MCP requests -> span names and attributes, by the OpenTelemetry MCP semantic conventions: the
 * name is `{mcp.method.name} {target}` where the target is the tool or prompt name, else the method
 * alone (a resource URI stays out of the name, as the conventions advise, and is the attribute
 * `mcp.resource.uri`). Content (tool arguments and results, prompt arguments and messages, resource
 * contents) is recorded only when capture is on, through the redactor.
 */
import type { Span } from '@opentelemetry/api';
import { eventId } from '../../events/event-id';
import { setContent, type ContentPolicy } from '../../events/span-mapping';
import { AGENTOPS_EVENT_ID, AGENTOPS_EVENT_TYPE, GEN_AI_OPERATION_EXECUTE_TOOL, GEN_AI_OPERATION_NAME, GEN_AI_TOOL_CALL_ARGUMENTS, GEN_AI_TOOL_CALL_RESULT, GEN_AI_TOOL_NAME } from '../../semconv';
import { isRecord } from '../shared/llm-adapter';
import * as M from './attributes';

export const TOOLS_CALL = 'tools/call';
export const INITIALIZE = 'initialize';

// Methods whose params or result are content (prompt arguments and messages, resource contents,
// model input and output, what the user was asked and answered). The others (initialize, the
// lists, ping) carry the protocol's own data, not the agent's.
const CONTENT_METHODS = new Set(['prompts/get', 'resources/read', 'completion/complete', 'sampling/createMessage', 'elicitation/create']);
const RESOURCE_METHODS = new Set(['resources/read', 'resources/subscribe', 'resources/unsubscribe']);

/** The request's params, or undefined. */
export function paramsOf(request: Record<string, unknown>): Record<string, unknown> | undefined {
  const p = request.params;
  return isRecord(p) ? p : undefined;
}

/** The tool or prompt a request names (a low-cardinality span name target), else undefined. */
export function targetOf(method: string, params: Record<string, unknown> | undefined): string | undefined {
  if (method !== TOOLS_CALL && method !== 'prompts/get') return undefined;
  const name = params?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

export function spanName(method: string, target: string | undefined): string {
  return target === undefined ? method : `${method} ${target}`;
}

/**
 * Attributes known from the request. `countAsTool` marks the span as the tool call itself
 * (`gen_ai.operation.name=execute_tool`, `agentops.event.type=tool`), counted once in session
 * totals; it is false when another record of the same call exists (see the callers).
 */
export function setRequestAttributes(span: Span, method: string, target: string | undefined, params: Record<string, unknown> | undefined, countAsTool: boolean, p: ContentPolicy): void {
  span.setAttribute(M.MCP_METHOD_NAME, method);
  if (method === TOOLS_CALL) {
    if (target !== undefined) span.setAttribute(GEN_AI_TOOL_NAME, target);
    if (countAsTool) {
      span.setAttribute(GEN_AI_OPERATION_NAME, GEN_AI_OPERATION_EXECUTE_TOOL);
      span.setAttribute(AGENTOPS_EVENT_TYPE, 'tool');
      span.setAttribute(AGENTOPS_EVENT_ID, eventId());
    }
    if (p.capture && params !== undefined) setContent(span, GEN_AI_TOOL_CALL_ARGUMENTS, params.arguments, p);
    return;
  }
  if (target !== undefined) span.setAttribute(M.GEN_AI_PROMPT_NAME, target);
  if (RESOURCE_METHODS.has(method) && typeof params?.uri === 'string') span.setAttribute(M.MCP_RESOURCE_URI, params.uri);
  if (p.capture && params !== undefined && CONTENT_METHODS.has(method)) {
    const rest = withoutMeta(params);
    if (rest !== undefined) setContent(span, M.AGENTOPS_MCP_PARAMS, rest, p);
  }
}

/** Attributes known from a successful result. Call only on a recording span. */
export function setResultAttributes(span: Span, method: string, result: unknown, p: ContentPolicy): void {
  if (!p.capture || result === undefined) return;
  if (method === TOOLS_CALL) setContent(span, GEN_AI_TOOL_CALL_RESULT, result, p);
  else if (CONTENT_METHODS.has(method)) setContent(span, M.AGENTOPS_MCP_RESULT, result, p);
}

/** The params without the protocol's `_meta` (where the trace context travels), or undefined when nothing else is there. */
function withoutMeta(params: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!('_meta' in params)) return Object.keys(params).length > 0 ? params : undefined;
  const { _meta, ...rest } = params;
  void _meta;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** Whether a `tools/call` result reports a failed tool (`isError: true`). */
export function isToolError(method: string, result: unknown): boolean {
  return method === TOOLS_CALL && isRecord(result) && result.isError === true;
}

/**
 * What a failed tool's `exception` event says: the text the tool returned with content capture on
 * (it is the tool's output), a fixed sentence otherwise.
 */
export function toolErrorException(result: unknown, capture: boolean): { name: string; message: string } {
  let message = 'the tool returned isError: true';
  if (capture && isRecord(result) && Array.isArray(result.content)) {
    const text = result.content.find((c): c is { text: string } => isRecord(c) && c.type === 'text' && typeof c.text === 'string');
    if (text !== undefined) message = text.text;
  }
  return { name: M.TOOL_ERROR, message };
}

/** The JSON-RPC error code an error carries (`McpError.code`), or undefined. */
export function jsonRpcCode(err: unknown): number | undefined {
  try {
    const code = (err as { code?: unknown } | null)?.code;
    return typeof code === 'number' && Number.isSafeInteger(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The protocol version an `initialize` result settled on, or undefined. */
export function initializedVersion(result: unknown): string | undefined {
  return isRecord(result) && typeof result.protocolVersion === 'string' ? result.protocolVersion : undefined;
}
