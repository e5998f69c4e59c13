/**
 * One MCP request in flight, on either side: its span, the session that keeps it open, and how it
 * ends, once: with the result (a `tools/call` result with `isError: true` is a failure,
 * `error.type=tool_error`), with the error (a JSON-RPC error: `error.type` and
 * `rpc.response.status_code` are its code), or with its session (then it is ended as abandoned and
 * this call's later end is a no-op). Recording never throws into the request.
 */
import type { Span } from '@opentelemetry/api';
import { nowMs } from '../../events/event';
import { recordError } from '../../events/record-error';
import type { Session } from '../../session/session';
import type { InstrumentationHost } from '../host';
import * as M from './attributes';
import { initializedVersion, INITIALIZE, isToolError, jsonRpcCode, setResultAttributes, toolErrorException } from './mapping';
import { rememberVersion, sessionIdOf } from './transport';

export class McpCall {
  private ended = false;

  constructor(
    private readonly host: InstrumentationHost,
    readonly span: Span,
    private readonly method: string,
    private readonly session: Session | undefined,
    /** The Client or Server the request belongs to. */
    private readonly protocol: object,
    /** Its transport, when the session id may be known only once the request is answered (`initialize` over HTTP). */
    private readonly transport: unknown,
  ) {
    session?.openSpan(span);
  }

  /** Ends the span with the result the request resolved with (client) or the handler returned (server). */
  finish(result: unknown): void {
    if (!this.begin()) return;
    try {
      const span = this.span;
      if (this.method === INITIALIZE) {
        const version = initializedVersion(result);
        if (version !== undefined) {
          rememberVersion(this.protocol, version);
          if (span.isRecording()) span.setAttribute(M.MCP_PROTOCOL_VERSION, version);
        }
      }
      if (span.isRecording()) {
        this.lateSessionId();
        const policy = this.host.recorder.policy;
        if (isToolError(this.method, result)) recordError(span, toolErrorException(result, policy.capture), policy.limit, M.TOOL_ERROR, undefined, nowMs(), policy.transform);
        else setResultAttributes(span, this.method, result, policy);
      }
    } catch (err) {
      mcpInstrumentationFailed(this.host, err);
    }
    this.end();
  }

  /**
   * Ends the span as failed with the user's error (rethrown unchanged by the caller). `code` is the
   * JSON-RPC error code the failure is answered with, when the SDK picks one the error does not carry.
   */
  fail(err: unknown, code: number | undefined = jsonRpcCode(err)): void {
    if (!this.begin()) return;
    try {
      if (this.span.isRecording()) {
        this.lateSessionId();
        const policy = this.host.recorder.policy;
        const type = code === undefined ? undefined : String(code);
        if (type !== undefined) this.span.setAttribute(M.RPC_RESPONSE_STATUS_CODE, type);
        recordError(this.span, err, policy.limit, type, undefined, nowMs(), policy.transform);
      }
    } catch (e) {
      mcpInstrumentationFailed(this.host, e);
    }
    this.end();
  }

  /** True the first time: this call ends now (and its session has not ended it as abandoned). */
  private begin(): boolean {
    if (this.ended) return false;
    this.ended = true;
    return this.session === undefined || this.session.closeSpan(this.span);
  }

  private end(): void {
    try {
      this.span.end();
    } catch (err) {
      mcpInstrumentationFailed(this.host, err);
    }
  }

  /** A Streamable HTTP client learns its session id from the `initialize` answer. */
  private lateSessionId(): void {
    if (this.transport === undefined) return;
    const id = sessionIdOf(this.transport);
    if (id !== undefined) this.span.setAttribute(M.MCP_SESSION_ID, id);
  }
}

export function mcpInstrumentationFailed(host: InstrumentationHost, err: unknown): void {
  let what: string;
  try {
    what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  } catch {
    what = 'unknown error';
  }
  host.logger.once('mcp:internal', 'error', `MCP instrumentation failed and skipped part of a span; the request itself was not affected: ${what} (reported once)`);
}
