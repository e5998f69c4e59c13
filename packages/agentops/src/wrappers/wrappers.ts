/**
 * One-line tracing of the user's own functions: `traceAgent`, `traceTool`, `traceAction`,
 * `traceOperation` and `traceSession` return a function that behaves exactly like the one given
 * (same `this`, arguments, return value and thrown error, the very same objects) and records each
 * call as a span: started when it is called, ended when its result settles, and for a streamed
 * result (an async iterable or a `ReadableStream`) when the consumer is done with it. Inputs and
 * outputs are recorded as JSON when content capture is on. Before `init()` and after `shutdown()`
 * the wrapped function simply runs.
 */
import { SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import { SESSION_KEY } from '../context';
import { AgentOpsError } from '../errors';
import { ActionEvent } from '../events/action-event';
import type { Event } from '../events/event';
import { setContent } from '../events/span-mapping';
import { ToolEvent } from '../events/tool-event';
import * as A from '../semconv';
import type { Session } from '../session/session';
import { activeHost, type InstrumentationHost } from '../integrations/host';
import { callParent } from '../integrations/parent-context';
import {
  isAsyncIterable,
  isReadableStream,
  watchAsyncIterableInPlace,
  watchedIterable,
  watchReadableStreamInPlace,
  type Enter,
  type StreamObserver,
  type StreamOutcome,
} from '../watch/stream-watch';
import { markOk } from '../events/span-status';
import { isThenable } from '../watch/watch-result';

/** Any function; `never[]` parameters accept every signature without `any`. */
export type TracedFunction = (...args: never[]) => unknown;

export interface AgentTraceOptions {
  /** `gen_ai.agent.name`; the span is `invoke_agent {name}`. */
  name: string;
  /** `gen_ai.agent.id`. */
  id?: string;
  /** `gen_ai.agent.description`. */
  description?: string;
}

export interface ToolTraceOptions {
  /** `gen_ai.tool.name`; the span is `execute_tool {name}`. */
  name: string;
  /** `gen_ai.tool.type`: `function` (default), `extension` or `datastore`. */
  toolType?: string;
  description?: string;
}

export interface SessionTraceOptions {
  /** The session span's name. */
  name: string;
  tags?: string[];
}

// Streamed outputs are kept (content capture only) up to this many items, so a long stream cannot grow memory without bound.
const MAX_STREAM_ITEMS = 10_000;

/** How one kind of wrapper opens and closes its span. */
interface Kind {
  readonly api: string;
  /** Starts a session of its own rather than joining the current one. */
  readonly ownSession?: boolean;
  /** Starts the span under `parent`; returns what `close` needs. */
  open(host: InstrumentationHost, parent: Context, session: Session | undefined, input: unknown): Opened;
}

interface Opened {
  span: Span;
  /** Context `fn` runs in (the span active, in its session). */
  ctx: Context;
  /** Ends the span: `failed` with the thrown value, or done with the output. */
  close(failed: boolean, value: unknown, outcome?: StreamOutcome): void;
}

/**
 * Records each call of `fn` as an agent span `invoke_agent {name}`.
 *
 * @example const answer = agentops.traceAgent('support-bot', async (question: string) => runAgent(question));
 */
export function traceAgent<F extends TracedFunction>(name: string | AgentTraceOptions, fn: F): F {
  const o = typeof name === 'string' ? { name } : name;
  return wrap(agentKind(o), fn);
}

/**
 * Records each call of `fn` as a tool span `execute_tool {name}`: the arguments as
 * `gen_ai.tool.call.arguments` (the one argument, or the list of them) and the result as
 * `gen_ai.tool.call.result`.
 *
 * @example const getWeather = agentops.traceTool('get_weather', async ({ city }: { city: string }) => fetchWeather(city));
 */
export function traceTool<F extends TracedFunction>(name: string | ToolTraceOptions, fn: F): F {
  const o = typeof name === 'string' ? { name } : name;
  return wrap(eventKind('traceTool', (input) => new ToolEvent({ name: o?.name, toolType: o?.toolType ?? 'function', description: o?.description, params: input })), fn);
}

/** Records each call of `fn` as an action span `action {type}` (`agentops.action.params` / `.returns`). */
export function traceAction<F extends TracedFunction>(type: string, fn: F): F {
  return wrap(eventKind('traceAction', (input) => new ActionEvent({ actionType: type, params: input })), fn);
}

/** Records each call of `fn` as a span named `name` (`agentops.span.kind=operation`). */
export function traceOperation<F extends TracedFunction>(name: string, fn: F): F {
  return wrap(spanKind('traceOperation', typeof name === 'string' && name !== '' ? name : 'operation', 'operation', undefined), fn);
}

/**
 * Runs each call of `fn` in a new session of its own (a new trace), ended `Success` when `fn`
 * succeeds (or its stream is consumed) and `Fail` when it throws.
 *
 * @example const handle = agentops.traceSession('support-request', async (req: Request) => answer(req));
 */
export function traceSession<F extends TracedFunction>(name: string | SessionTraceOptions, fn: F): F {
  const o = typeof name === 'string' ? { name } : name;
  return wrap(sessionKind(o), fn);
}

function agentKind(o: AgentTraceOptions): Kind {
  const name = typeof o?.name === 'string' && o.name !== '' ? o.name : 'agent';
  return spanKind('traceAgent', `${A.GEN_AI_OPERATION_INVOKE_AGENT} ${name}`, 'agent', (span) => {
    span.setAttribute(A.GEN_AI_OPERATION_NAME, A.GEN_AI_OPERATION_INVOKE_AGENT);
    span.setAttribute(A.GEN_AI_AGENT_NAME, name);
    if (typeof o.id === 'string' && o.id !== '') span.setAttribute(A.GEN_AI_AGENT_ID, o.id);
    if (typeof o.description === 'string' && o.description !== '') span.setAttribute(A.GEN_AI_AGENT_DESCRIPTION, o.description);
  });
}

/** Tool and action calls are events: their span mapping lives with the other events. */
function eventKind(api: string, make: (input: unknown) => Event): Kind {
  return {
    api,
    open(host, parent, session, input) {
      const event = make(input);
      const span = host.recorder.start(event, parent);
      return {
        span,
        ctx: activeIn(parent, span, session),
        close(failed, value, outcome) {
          if (failed) event.error = value;
          else event.returns = value;
          if (!failed) markOk(span);
          if (outcome !== undefined && span.isRecording()) span.setAttribute(A.AGENTOPS_STREAM_OUTCOME, outcome);
          host.recorder.end(span, event);
        },
      };
    },
  };
}

/** Agent and operation spans have no event class: their few attributes are set here. */
function spanKind(api: string, spanName: string, kind: string, attributes: ((span: Span) => void) | undefined): Kind {
  return {
    api,
    open(host, parent, session, input) {
      const span = host.tracer!.startSpan(spanName, { kind: SpanKind.INTERNAL }, parent);
      const p = host.recorder.policy;
      if (span.isRecording()) {
        span.setAttribute(A.AGENTOPS_SPAN_KIND, kind);
        attributes?.(span);
        if (p.capture) setContent(span, A.AGENTOPS_OPERATION_INPUT, input, p);
      }
      return {
        span,
        ctx: activeIn(parent, span, session),
        close(failed, value, outcome) {
          if (span.isRecording()) {
            if (outcome !== undefined) span.setAttribute(A.AGENTOPS_STREAM_OUTCOME, outcome);
            if (failed) host.recorder.fail(span, value);
            else {
              if (p.capture) setContent(span, A.AGENTOPS_OPERATION_OUTPUT, value, p);
              markOk(span);
            }
          }
          span.end();
        },
      };
    },
  };
}

function sessionKind(o: SessionTraceOptions): Kind {
  return {
    api: 'traceSession',
    ownSession: true,
    open(host, _parent, _session, input) {
      const session = host.startSession({ name: o?.name, tags: o?.tags });
      const span = session.span;
      const p = host.recorder.policy;
      if (p.capture && span.isRecording()) setContent(span, A.AGENTOPS_OPERATION_INPUT, input, p);
      return {
        span,
        ctx: session.contextFrom(host.contextAccess.active()),
        close(failed, value, outcome) {
          if (outcome !== undefined && span.isRecording()) span.setAttribute(A.AGENTOPS_STREAM_OUTCOME, outcome);
          if (failed) {
            // The end state gives the session span its status; the exception is recorded on it.
            host.recorder.fail(span, value, false);
            session.end('Fail', errorMessage(value));
            return;
          }
          if (p.capture && span.isRecording()) setContent(span, A.AGENTOPS_OPERATION_OUTPUT, value, p);
          session.end('Success');
        },
      };
    },
  };
}

function activeIn(parent: Context, span: Span, session: Session | undefined): Context {
  const ctx = trace.setSpan(parent, span);
  return session !== undefined ? ctx.setValue(SESSION_KEY, session) : ctx;
}

function inputOf(args: readonly unknown[]): unknown {
  return args.length === 0 ? undefined : args.length === 1 ? args[0] : args;
}

function wrap<F extends TracedFunction>(kind: Kind, fn: F): F {
  if (typeof fn !== 'function') {
    throw new AgentOpsError('AGENTOPS_INVALID_ARGUMENT', `${kind.api}(name, fn) needs a function; got ${fn === null ? 'null' : typeof fn}`);
  }
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    const host = activeHost();
    if (host === undefined) return Reflect.apply(fn, this, args);
    let call: TracedCall;
    try {
      call = new TracedCall(host, kind, inputOf(args));
    } catch (err) {
      host.logger.once(`${kind.api}:start`, 'error', `${kind.api}: starting a span failed; the function runs unrecorded: ${String(err)}`);
      return Reflect.apply(fn, this, args);
    }
    let result: unknown;
    try {
      result = host.contextAccess.with(call.opened.ctx, () => Reflect.apply(fn, this, args));
    } catch (err) {
      call.settle(true, err);
      throw err;
    }
    return call.watch(result);
  };
  // The wrapper reads like the function it wraps (name and arity).
  Object.defineProperty(traced, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: fn.length, configurable: true });
  return traced as unknown as F;
}

/** One call of a wrapped function, from start to the settling (or full consumption) of its result. */
class TracedCall implements StreamObserver {
  readonly opened: Opened;
  private readonly session: Session | undefined;
  private readonly capture: boolean;
  private items: unknown[] | undefined;
  private done = false;
  private readonly enter: Enter;

  constructor(
    private readonly host: InstrumentationHost,
    private readonly kind: Kind,
    input: unknown,
  ) {
    const parent = kind.ownSession === true ? { ctx: host.contextAccess.active(), session: undefined } : callParent(host);
    this.opened = kind.open(host, parent.ctx, parent.session, input);
    this.session = parent.session;
    this.session?.openSpan(this.opened.span);
    this.capture = host.recorder.policy.capture;
    const ctx = this.opened.ctx;
    this.enter = (fn) => host.contextAccess.with(ctx, fn);
  }

  /** Hands back what the user's function returned, watching it until it settles or is consumed. */
  watch(result: unknown): unknown {
    try {
      if (isThenable(result)) {
        // A side branch: the user's promise is returned as it is and keeps its own rejection.
        result.then(
          (v) => this.settled(v),
          (err: unknown) => this.settle(true, err),
        );
        return result;
      }
      if (isReadableStream(result) && watchReadableStreamInPlace(result, this, this.enter)) return result;
      if (typeof result !== 'string' && isAsyncIterable(result)) {
        if (watchAsyncIterableInPlace(result, this, this.enter)) return result;
        return watchedIterable(result, this);
      }
    } catch (err) {
      this.internal(err);
    }
    this.settle(false, result);
    return result;
  }

  /** A promise resolved: an async iterable it resolved to is watched in place until consumed. */
  private settled(v: unknown): void {
    // Runs in a side branch of the user's promise: anything thrown here would be an unhandled rejection.
    try {
      if (isReadableStream(v) && watchReadableStreamInPlace(v, this, this.enter)) return;
      if (v !== null && typeof v === 'object' && !isReadableStream(v) && isAsyncIterable(v) && watchAsyncIterableInPlace(v, this, this.enter)) return;
    } catch (err) {
      this.internal(err);
    }
    let stream = false;
    try {
      stream = isReadableStream(v);
    } catch {
      /* a value that cannot even be inspected is recorded as it is */
    }
    this.settle(false, stream ? undefined : v);
  }

  item(value: unknown): void {
    if (!this.capture) return;
    this.items ??= [];
    if (this.items.length < MAX_STREAM_ITEMS) this.items.push(value);
  }

  end(outcome: StreamOutcome, err?: unknown): void {
    if (outcome === 'error') this.settle(true, err, outcome);
    else this.settle(false, this.items ?? (this.capture ? [] : undefined), outcome);
  }

  settle(failed: boolean, value: unknown, outcome?: StreamOutcome): void {
    if (this.done) return;
    this.done = true;
    try {
      // Ended as abandoned by its session already.
      if (this.session !== undefined && !this.session.closeSpan(this.opened.span)) return;
      this.opened.close(failed, value, outcome);
    } catch (err) {
      this.internal(err);
    }
  }

  private internal(err: unknown): void {
    this.host.logger.once(`${this.kind.api}:end`, 'error', `${this.kind.api}: recording a result failed; the function's result is unaffected: ${String(err)}`);
  }
}

function errorMessage(err: unknown): string {
  try {
    if (err instanceof Error) return err.message;
    return String(err);
  } catch {
    return 'error';
  }
}
