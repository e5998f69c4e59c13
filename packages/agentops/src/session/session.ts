import { SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { SESSION_KEY, type ContextAccess } from '../context';
import { AgentOpsError } from '../errors';
import { ErrorEvent } from '../events/error-event';
import { Event } from '../events/event';
import type { EventRecorder } from '../events/event-recorder';
import { watchResult } from '../watch/watch-result';
import type { SdkLogger } from '../log';
import * as A from '../semconv';
import { AGENTOPS_SESSION_END_REASON, AGENTOPS_SESSION_END_STATE, AGENTOPS_SPAN_ABANDONED, AGENTOPS_TAGS } from '../semconv';
import { truncate } from '../serialize/truncate';
import { markOk } from '../events/span-status';
import { stringArray } from './session-starter';
import { cleanText, cleanValue } from '../events/span-mapping';
import { SessionTotals, type SessionSummary } from './session-totals';

export type EndState = 'Success' | 'Fail' | 'Indeterminate';
export const END_STATES: readonly EndState[] = ['Success', 'Fail', 'Indeterminate'];

export interface SessionOptions {
  /** A UUID, or any string (its trace id is then derived from SHA-256). Default: a random UUID. */
  sessionId?: string;
  /**
   * Resume the session `sessionId` names (started by another request or process, earlier or
   * later): no new root span; a turn span (`agentops.span.kind=turn`) under the session span,
   * ended by `end()`. Default false.
   */
  resume?: boolean;
  /** The session span's name (default `session`), or the turn span's with `resume` (default `turn`). */
  name?: string;
  /** Added as `user.id` to every span of the session. */
  userId?: string;
  tags?: string[];
  /** Attributes of the session span. */
  attributes?: Record<string, unknown>;
}

/** What a Session needs from its client. */
export interface SessionHost {
  readonly enabled: boolean;
  readonly recorder: EventRecorder;
  readonly contextAccess: ContextAccess;
  readonly logger: SdkLogger;
  readonly appUrl: string;
  /** Whether to log the viewer URL at start and end. */
  readonly announceUrls: boolean;
  sessionEnded(session: Session): void;
}

/**
 * One agent session: one trace, whose root span is the session span. Obtain one from
 * `agentops.startSession()`.
 */
export class Session {
  /** The session id: a UUID string, or the string given as `sessionId`. */
  readonly id: string;
  /** The trace id (32 hex digits): the UUID without dashes. */
  readonly traceId: string;
  readonly name: string;
  readonly startedAt: Date;
  /** @internal Added up as the session's spans end. */
  readonly totals = new SessionTotals();
  private _tags: string[];
  private _endState: EndState | undefined;
  private _endReason: string | undefined;
  private _endedAt: Date | undefined;
  // Spans started by trace()/wrappers and not ended yet; ended as abandoned when the session ends.
  private readonly open = new Set<Span>();
  private warnedEnded = false;

  /** @internal */
  constructor(
    private readonly host: SessionHost,
    /** @internal The session (root) span. */
    readonly span: Span,
    id: string,
    name: string,
    tags: string[],
    /** @internal A session another process owns (continueSession): this one neither ends nor exports it. */
    readonly remote = false,
    /** A turn of a resumed session: its span is the turn span, under the session span. */
    readonly turn = false,
    /** `user.id` of every span of the session. */
    readonly userId?: string,
  ) {
    this.id = id;
    this.traceId = span.spanContext().traceId;
    this.name = name;
    this._tags = tags;
    this.startedAt = new Date();
  }

  /** Link to this session in the viewer: `{appUrl}/sessions?trace_id={traceId}`. */
  get url(): string {
    return `${this.host.appUrl}/sessions?trace_id=${this.traceId}`;
  }

  get tags(): readonly string[] {
    return this._tags;
  }

  get ended(): boolean {
    return this._endState !== undefined;
  }

  get endState(): EndState | undefined {
    return this._endState;
  }

  get endReason(): string | undefined {
    return this._endReason;
  }

  get endedAt(): Date | undefined {
    return this._endedAt;
  }

  /** @internal The context with this session (and its span) active. */
  contextFrom(base: Context): Context {
    return trace.setSpan(base, this.span).setValue(SESSION_KEY, this);
  }

  /**
   * Runs `fn` with this session active: everything `fn` does, across `await`, records into it and
   * nests under it. Returns what `fn` returns.
   */
  run<T>(fn: () => T): T {
    if (typeof fn !== 'function') {
      throw new AgentOpsError('AGENTOPS_INVALID_ARGUMENT', `session.run(fn) needs a function; got ${typeof fn}`);
    }
    const access = this.host.contextAccess;
    return access.with(this.contextFrom(access.active()), fn);
  }

  /** Records a finished event as a child span (nested under the active event span, if any). Never throws. */
  record(event: Event): void {
    if (!this.host.enabled) return;
    try {
      if (!(event instanceof Event)) {
        this.host.logger.once('record:not-event', 'warn', 'record() needs an LLMEvent, ActionEvent, ToolEvent or ErrorEvent; ignoring a value that is not one (reported once)');
        return;
      }
      this.warnIfEnded();
      const recorder = this.host.recorder;
      if (event instanceof ErrorEvent) {
        this.recordError(event);
        return;
      }
      recorder.record(event, this.parentContext());
    } catch (err) {
      this.host.logger.once('record:failed', 'error', `recording an event failed and was skipped: ${String(err)}`);
    }
  }

  /**
   * Runs `fn` inside the span of `event` (still open while `fn` runs, so events recorded inside
   * nest under it) and ends it when `fn` returns or its promise settles. A throw or rejection marks
   * it failed and is passed on unchanged; a return value becomes `event.returns` when that is unset.
   */
  trace<T>(event: Event, fn: () => T): T {
    if (typeof fn !== 'function') {
      throw new AgentOpsError('AGENTOPS_INVALID_ARGUMENT', `session.trace(event, fn) needs a function; got ${typeof fn}`);
    }
    if (!this.host.enabled || !(event instanceof Event) || event instanceof ErrorEvent) {
      if (this.host.enabled) this.host.logger.once('trace:not-event', 'warn', 'session.trace() needs an LLMEvent, ActionEvent or ToolEvent; running the function untraced (reported once)');
      return fn();
    }
    let span: Span;
    try {
      this.warnIfEnded();
      span = this.host.recorder.start(event, this.parentContext());
    } catch {
      return fn();
    }
    this.openSpan(span);
    const access = this.host.contextAccess;
    const ctx = trace.setSpan(access.active(), span).setValue(SESSION_KEY, this);
    let result: T;
    try {
      result = access.with(ctx, fn);
    } catch (err) {
      this.finishTraced(span, event, true, err);
      throw err;
    }
    return watchResult(result, (failed, v) => this.finishTraced(span, event, failed, v));
  }

  /**
   * @internal Registers a span that user code keeps open (a traced call, a wrapper, a stream): if
   * the session ends first, it is ended and marked `agentops.span.abandoned=true`.
   */
  openSpan(span: Span): void {
    this.open.add(span);
  }

  /** @internal Unregisters an open span; false when the session already ended it as abandoned. */
  closeSpan(span: Span): boolean {
    return this.open.delete(span);
  }

  /** @internal Ends a span started by trace() or a wrapper. */
  finishTraced(span: Span, event: Event, failed: boolean, value: unknown): void {
    if (!this.closeSpan(span)) return; // already ended as abandoned
    try {
      if (failed) event.error = value;
      else if (event.returns === undefined) event.returns = value;
      if (!failed) markOk(span);
      this.host.recorder.end(span, event);
    } catch (err) {
      this.host.logger.once('trace:end-failed', 'error', `ending a traced span failed: ${String(err)}`);
    }
  }

  /**
   * What the session added up to so far: LLM calls, tool calls, errors, tokens and cost (from every
   * span of the session that ended, whatever recorded it), with its state and duration.
   */
  summary(): SessionSummary {
    const t = this.totals;
    const end = this._endedAt ?? new Date();
    return {
      id: this.id,
      traceId: this.traceId,
      name: this.name,
      tags: [...this._tags],
      startedAt: this.startedAt,
      endedAt: this._endedAt,
      durationMs: end.getTime() - this.startedAt.getTime(),
      endState: this._endState,
      endReason: this._endReason,
      llmCalls: t.llmCalls,
      toolCalls: t.toolCalls,
      errors: t.errors,
      inputTokens: t.inputTokens,
      outputTokens: t.outputTokens,
      cachedTokens: t.cachedTokens,
      costUsd: t.costUsd,
      unpricedLlmCalls: t.unpricedLlmCalls,
    };
  }

  /** Adds tags to the session (kept in `agentops.tags`). */
  addTags(tags: string[]): void {
    const given = stringArray(tags);
    if (given === undefined) {
      this.host.logger.once('session:addTags', 'warn', 'session.addTags() needs an array of strings; ignored (reported once)');
      return;
    }
    for (const t of given) if (!this._tags.includes(t)) this._tags.push(t);
    if (this.span.isRecording()) this.span.setAttribute(AGENTOPS_TAGS, cleanValue([...this._tags], AGENTOPS_TAGS, this.host.recorder.policy));
  }

  /**
   * Ends the session: `Success` -> status OK, `Fail` -> ERROR, `Indeterminate` -> UNSET, always
   * with `agentops.session.end_state`. Ending twice is a no-op. Never throws.
   */
  end(state: EndState = 'Success', reason?: string): void {
    if (this.remote) {
      this.host.logger.once('session:end-remote', 'warn', 'end() on a session continued from another process does nothing: the process that started it ends it (reported once)');
      return;
    }
    if (this._endState !== undefined) {
      this.host.logger.debug(`session ${this.id} already ended as ${this._endState}; end(${safeString(state)}) ignored`);
      return;
    }
    let s = normalizeEndState(state);
    if (s === undefined) {
      this.host.logger.once('session:end-state', 'warn', `session.end() takes ${END_STATES.join(', ')}; got ${JSON.stringify(safeString(state))}, ending as Indeterminate (reported once)`);
      s = 'Indeterminate';
    }
    this._endState = s;
    this._endReason = typeof reason === 'string' ? reason : reason === undefined ? undefined : safeString(reason);
    this._endedAt = new Date();
    try {
      for (const open of this.open) {
        if (open.isRecording()) open.setAttribute(AGENTOPS_SPAN_ABANDONED, true);
        open.end();
      }
      this.open.clear();
      const span = this.span;
      if (span.isRecording()) {
        span.setAttribute(AGENTOPS_SESSION_END_STATE, s);
        // The reason is the user's text, exported twice (attribute and status message): cleaned once.
        const reason = this._endReason === undefined ? undefined : cleanText(truncate(this._endReason, 4096), AGENTOPS_SESSION_END_REASON, this.host.recorder.policy);
        if (reason !== undefined) span.setAttribute(AGENTOPS_SESSION_END_REASON, reason);
        const t = this.totals;
        span.setAttribute(A.AGENTOPS_SESSION_LLM_CALLS, t.llmCalls);
        span.setAttribute(A.AGENTOPS_SESSION_TOOL_CALLS, t.toolCalls);
        span.setAttribute(A.AGENTOPS_SESSION_ERRORS, t.errors);
        span.setAttribute(A.AGENTOPS_SESSION_INPUT_TOKENS, t.inputTokens);
        span.setAttribute(A.AGENTOPS_SESSION_OUTPUT_TOKENS, t.outputTokens);
        if (t.costUsd !== undefined) span.setAttribute(A.AGENTOPS_SESSION_COST_USD, t.costUsd);
        if (s === 'Success') span.setStatus({ code: SpanStatusCode.OK });
        else if (s === 'Fail') span.setStatus({ code: SpanStatusCode.ERROR, message: reason ?? 'Fail' });
      }
      span.end();
    } catch (err) {
      this.host.logger.once('session:end-failed', 'error', `ending session ${this.id} failed: ${String(err)}`);
    }
    this.host.sessionEnded(this);
    if (this.host.announceUrls) this.host.logger.announce(`session ${this.id} ended (${s}): ${this.url}`);
  }

  /** Where a recorded event goes: under the active span when it belongs to this session, else under the session span. */
  private parentContext(): Context {
    const active = this.host.contextAccess.active();
    const span = trace.getSpan(active);
    // Inside session.run() the active context already is this session's: no new context per event.
    if (span === this.span) return active;
    if (span !== undefined && span.isRecording() && span.spanContext().traceId === this.traceId) return active;
    return this.contextFrom(active);
  }

  private recordError(event: ErrorEvent): void {
    const recorder = this.host.recorder;
    const trigger = event.trigger;
    if (trigger instanceof Event && !trigger._recorded && !(trigger instanceof ErrorEvent)) {
      // The failed work was not recorded yet: record it now, failed, carrying this error.
      trigger.error = event;
      recorder.record(trigger, this.parentContext());
      event._recorded = true;
      return;
    }
    const active = this.host.contextAccess.active();
    const span = trace.getSpan(active);
    const onEventSpan = span !== undefined && span !== this.span && span.isRecording() && span.spanContext().traceId === this.traceId;
    // An event span fails with the error; the session span keeps the status its end state gives it.
    recorder.fail(onEventSpan ? span : this.span, event, onEventSpan);
    event._recorded = true;
  }

  private warnIfEnded(): void {
    if (this._endState === undefined || this.warnedEnded) return;
    this.warnedEnded = true;
    this.host.logger.warn(`session ${this.id} already ended (${this._endState}); recording into it anyway, in the same trace (reported once per session)`);
  }
}

/** String(v), or a placeholder for a value whose conversion throws (a null-prototype object, a hostile proxy). */
function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return '[unprintable]';
  }
}

export function normalizeEndState(state: unknown): EndState | undefined {
  if (typeof state !== 'string') return undefined;
  const l = state.toLowerCase();
  return END_STATES.find((s) => s.toLowerCase() === l);
}
