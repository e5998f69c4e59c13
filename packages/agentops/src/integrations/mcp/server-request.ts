/**
 * The receiving side of an MCP request (`Protocol.prototype._onrequest`, the one dispatch point of
 * every request a Server receives from its client, or a Client from its server): a SERVER span
 * `{mcp.method.name} {target}` whose parent is the caller's span, read from the request's
 * `params._meta` with the configured propagators. The caller's session continues here for the
 * handler's duration (as `agentops.continueSession` does), so the spans the handler records (a
 * model call, a ToolEvent, another MCP request) nest under this span, in the calling agent's
 * session. A request without that context is recorded like any other call: in the current session
 * if there is one.
 *
 * Hooked at dispatch rather than at `setRequestHandler`, so handlers registered before `init()`
 * (a server built at import time) are recorded too. The SDK looks the handler up synchronously at
 * the start of `_onrequest` (1.10 to 1.32); for that one synchronous call, the handler in its
 * table is replaced by an observing wrapper (which runs the handler unchanged and sees its result
 * or error), and put back right after.
 */
import { SpanKind, trace, type Context, type Link } from '@opentelemetry/api';
import { remoteContext } from '../../propagation';
import { isThenable } from '../../watch/watch-result';
import { activeHost, type InstrumentationHost } from '../host';
import { callParent } from '../parent-context';
import { isRecord } from '../shared/llm-adapter';
import type { AnyFunction } from '../shared/patch';
import * as M from './attributes';
import { jsonRpcCode, paramsOf, setRequestAttributes, spanName, targetOf, TOOLS_CALL } from './mapping';
import { McpCall, mcpInstrumentationFailed } from './mcp-call';
import { setTransportAttributes } from './transport';

/** What this code reads of a Server or Client (the SDK's `Protocol`). */
interface ProtocolLike {
  readonly transport?: unknown;
  _requestHandlers?: unknown;
  fallbackRequestHandler?: unknown;
}

// The code the SDK answers a request with when its handler throws an error without one.
const INTERNAL_ERROR = -32603;
const METHOD_NOT_FOUND = -32601;

export function wrapOnRequest(original: AnyFunction): AnyFunction {
  return function (this: unknown, request: unknown, extra?: unknown): unknown {
    const host = activeHost();
    if (host === undefined || !isRecord(request) || typeof request.method !== 'string' || !isRecord(this)) return Reflect.apply(original, this, arguments);
    const self = this as ProtocolLike & Record<string, unknown>;
    const args = Array.prototype.slice.call(arguments) as unknown[];
    const ambient = host.contextAccess.active();
    let meta: Record<string, unknown> | undefined;
    let remote: Context | undefined;
    try {
      const params = paramsOf(request);
      meta = params !== undefined && isRecord(params._meta) ? params._meta : undefined;
      remote = meta === undefined ? undefined : remoteContext(host.propagator, meta);
    } catch (err) {
      mcpInstrumentationFailed(host, err);
    }
    if (remote === undefined) return serve(host, self, request, extra, original, args, ambient, undefined);
    const from = remote;
    return host.continueSession(meta, () => serve(host, self, request, extra, original, args, ambient, from));
  };
}

function serve(
  host: InstrumentationHost,
  self: ProtocolLike & Record<string, unknown>,
  request: Record<string, unknown>,
  extra: unknown,
  original: AnyFunction,
  args: unknown[],
  ambient: Context,
  remote: Context | undefined,
): unknown {
  const method = request.method as string;
  let call: McpCall | undefined;
  let runIn: Context;
  let restore: (() => void) | undefined;
  let unanswered = false;
  try {
    const handlers = self._requestHandlers;
    if (!(handlers instanceof Map)) {
      host.logger.once('mcp:handlers', 'warn', 'this version of @modelcontextprotocol/sdk keeps its request handlers where agentops does not look: requests it serves are not recorded (the trace context in _meta still continues)');
      return Reflect.apply(original, self, args);
    }
    const params = paramsOf(request);
    const target = targetOf(method, params);
    const parent = callParent(host, host.contextAccess.active());
    // A caller that sent its trace context recorded the call on its CLIENT span (an MCP client span
    // is an execute_tool span, by the conventions): counted there, not a second time here.
    const countAsTool = method === TOOLS_CALL && remote === undefined;
    const span = host.tracer!.startSpan(spanName(method, target), { kind: SpanKind.SERVER, links: transportLink(ambient, remote) }, parent.ctx);
    if (span.isRecording()) {
      try {
        setRequestAttributes(span, method, target, params, countAsTool, host.recorder.policy);
        const id = request.id;
        if (typeof id === 'string' || typeof id === 'number') span.setAttribute(M.JSONRPC_REQUEST_ID, String(id));
        setTransportAttributes(span, self, self.transport, 'server', isRecord(extra) ? extra.requestInfo : undefined);
      } catch (err) {
        mcpInstrumentationFailed(host, err);
      }
    }
    call = new McpCall(host, span, method, parent.session, self, undefined);
    runIn = trace.setSpan(parent.ctx, span);
    const own: unknown = handlers.get(method);
    if (typeof own === 'function') {
      const observing = observe(own as AnyFunction, call);
      handlers.set(method, observing);
      restore = () => {
        if (handlers.get(method) === observing) handlers.set(method, own);
      };
    } else if (typeof self.fallbackRequestHandler === 'function') {
      const fallback = self.fallbackRequestHandler as AnyFunction;
      const hadOwn = Object.prototype.hasOwnProperty.call(self, 'fallbackRequestHandler');
      const observing = observe(fallback, call);
      self.fallbackRequestHandler = observing;
      restore = () => {
        if (self.fallbackRequestHandler !== observing) return;
        if (hadOwn) self.fallbackRequestHandler = fallback;
        else delete self.fallbackRequestHandler;
      };
    } else {
      unanswered = true;
    }
  } catch (err) {
    mcpInstrumentationFailed(host, err);
    // Never a span left open: this request goes on unrecorded from here.
    call?.finish(undefined);
    return Reflect.apply(original, self, args);
  }
  const recorded = call;
  let result: unknown;
  try {
    result = host.contextAccess.with(runIn, () => Reflect.apply(original, self, args));
  } catch (err) {
    recorded.fail(err, jsonRpcCode(err) ?? INTERNAL_ERROR);
    throw err;
  } finally {
    restore?.();
  }
  // No handler: the SDK answers "Method not found".
  if (unanswered) recorded.fail({ name: 'McpError', message: 'Method not found' }, METHOD_NOT_FOUND);
  return result;
}

/** The handler, run unchanged; its result or error ends the request's span. */
function observe(handler: AnyFunction, call: McpCall): AnyFunction {
  return function (this: unknown): unknown {
    let result: unknown;
    try {
      result = Reflect.apply(handler, this, arguments);
    } catch (err) {
      call.fail(err, jsonRpcCode(err) ?? INTERNAL_ERROR);
      throw err;
    }
    if (isThenable(result)) result.then((v) => call.finish(v), (err: unknown) => call.fail(err, jsonRpcCode(err) ?? INTERNAL_ERROR));
    else call.finish(result);
    return result;
  };
}

/** The span the transport was in when the request arrived (an HTTP server span), linked when the parent is the remote caller. */
function transportLink(ambient: Context, remote: Context | undefined): Link[] | undefined {
  if (remote === undefined) return undefined;
  const sc = trace.getSpanContext(ambient);
  if (sc === undefined || !trace.isSpanContextValid(sc)) return undefined;
  return sc.spanId === trace.getSpanContext(remote)?.spanId ? undefined : [{ context: sc }];
}
