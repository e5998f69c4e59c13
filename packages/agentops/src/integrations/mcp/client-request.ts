/**
 * The sending side of an MCP request (`Protocol.prototype.request`, which every Client call and
 * every request a Server sends to its client goes through): a CLIENT span
 * `{mcp.method.name} {target}` in the current session, and the span's context (`traceparent`,
 * `tracestate`, and `baggage` with the session id, from the configured propagators) in the
 * request's `params._meta`, where the receiving side finds it. The caller's request object is not
 * modified: the SDK is handed a copy. The caller gets the very promise the SDK returns.
 */
import { defaultTextMapSetter, SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import { AGENTOPS_EVENT_TYPE, GEN_AI_OPERATION_EXECUTE_TOOL, GEN_AI_OPERATION_NAME } from '../../semconv';
import { withSessionBaggage } from '../../propagation';
import { isThenable } from '../../watch/watch-result';
import { activeHost, type InstrumentationHost } from '../host';
import { callParent } from '../parent-context';
import { isRecord } from '../shared/llm-adapter';
import type { AnyFunction } from '../shared/patch';
import * as M from './attributes';
import { INITIALIZE, paramsOf, setRequestAttributes, spanName, targetOf, TOOLS_CALL } from './mapping';
import { McpCall, mcpInstrumentationFailed } from './mcp-call';
import { setTransportAttributes } from './transport';

/** What this code reads of a Client or Server (the SDK's `Protocol`). */
interface ProtocolLike {
  readonly transport?: unknown;
  _requestMessageId?: unknown;
}

export function wrapRequest(original: AnyFunction): AnyFunction {
  return function (this: unknown, request: unknown): unknown {
    const host = activeHost();
    if (host === undefined || !isRecord(request) || typeof request.method !== 'string' || !isRecord(this)) return Reflect.apply(original, this, arguments);
    const self = this as ProtocolLike & object;
    const args = Array.prototype.slice.call(arguments) as unknown[];
    let call: McpCall;
    let runIn: Context;
    let idBefore: unknown;
    try {
      // The SDK numbers its requests with this counter: the id this request gets is its value now.
      idBefore = self._requestMessageId;
      const started = startRequest(host, self, request);
      call = started.call;
      runIn = started.runIn;
      args[0] = started.outgoing;
    } catch (err) {
      mcpInstrumentationFailed(host, err);
      return Reflect.apply(original, this, arguments);
    }
    let result: unknown;
    try {
      result = host.contextAccess.with(runIn, () => Reflect.apply(original, self, args));
    } catch (err) {
      call.fail(err);
      throw err;
    }
    try {
      if (typeof idBefore === 'number' && self._requestMessageId === idBefore + 1 && call.span.isRecording()) call.span.setAttribute(M.JSONRPC_REQUEST_ID, String(idBefore));
      // A side branch: the caller's own promise (and its rejection) is left as it is.
      if (isThenable(result)) result.then((v) => call.finish(v), (err: unknown) => call.fail(err));
      else call.finish(result);
    } catch (err) {
      mcpInstrumentationFailed(host, err);
      call.finish(undefined);
    }
    return result;
  };
}

function startRequest(host: InstrumentationHost, self: ProtocolLike & object, request: Record<string, unknown>): { call: McpCall; runIn: Context; outgoing: Record<string, unknown> } {
  const method = request.method as string;
  const params = paramsOf(request);
  const target = targetOf(method, params);
  const parent = callParent(host, host.contextAccess.active());
  // Made right inside a tool span (traceTool, an agent framework's tool), this call is that tool's
  // execution, which the tool span already counts.
  const countAsTool = method === TOOLS_CALL && !isToolSpan(trace.getSpan(parent.ctx));
  const span = host.tracer!.startSpan(spanName(method, target), { kind: SpanKind.CLIENT }, parent.ctx);
  let transport: unknown;
  try {
    transport = self.transport;
  } catch {
    transport = undefined;
  }
  if (span.isRecording()) {
    try {
      setRequestAttributes(span, method, target, params, countAsTool, host.recorder.policy);
      setTransportAttributes(span, self, transport, 'client');
    } catch (err) {
      mcpInstrumentationFailed(host, err);
    }
  }
  const call = new McpCall(host, span, method, parent.session, self, method === INITIALIZE ? transport : undefined);
  let runIn = trace.setSpan(parent.ctx, span);
  if (parent.session !== undefined) runIn = withSessionBaggage(runIn, parent.session.id);
  return { call, runIn, outgoing: withTraceContext(host, runIn, request, params) };
}

/** A copy of the request whose `params._meta` carries the context (the caller's `_meta` keys kept); the request itself when that fails. */
function withTraceContext(host: InstrumentationHost, ctx: Context, request: Record<string, unknown>, params: Record<string, unknown> | undefined): Record<string, unknown> {
  // Params that are not an object are the caller's to get wrong, as they would without agentops.
  if ((request.params !== undefined && params === undefined) || Array.isArray(params)) return request;
  try {
    const carrier: Record<string, string> = {};
    host.propagator.inject(ctx, carrier, defaultTextMapSetter);
    if (Object.keys(carrier).length === 0) return request;
    const meta = params !== undefined && isRecord(params._meta) ? params._meta : undefined;
    return { ...request, params: { ...params, _meta: meta === undefined ? carrier : { ...meta, ...carrier } } };
  } catch (err) {
    mcpInstrumentationFailed(host, err);
    return request;
  }
}

/** Whether `span` is a tool-call span (its attributes readable: the SDK's spans expose them). */
function isToolSpan(span: Span | undefined): boolean {
  if (span === undefined || !span.isRecording()) return false;
  try {
    const attributes = (span as unknown as { attributes?: Record<string, unknown> }).attributes;
    return isRecord(attributes) && (attributes[AGENTOPS_EVENT_TYPE] === 'tool' || attributes[GEN_AI_OPERATION_NAME] === GEN_AI_OPERATION_EXECUTE_TOOL);
  } catch {
    return false;
  }
}
