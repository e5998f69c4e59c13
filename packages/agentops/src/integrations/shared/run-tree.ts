/**
 * Agent frameworks report their work as a tree of runs, each with an id and its parent's id
 * (LangChain's run ids, the OpenAI Agents SDK's span ids, Mastra's span ids, the Claude Agent SDK's
 * tool-use ids). A RunTree turns each run into one span, nested under its parent run's span, or,
 * for a run with no known parent, under the active span or the current session (opening the lazy
 * automatic session when none is open), so framework spans always land in the session.
 *
 * Every run is registered with its session: a run the framework abandons (a cancelled stream, a
 * crash) is still ended, marked `agentops.span.abandoned`, when the session ends or `abandon()` is
 * called. Nothing here throws into the framework: a failure is logged once and the run is skipped.
 */
import { SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { SESSION_KEY } from '../../context';
import type { Event } from '../../events/event';
import type { LLMEvent } from '../../events/llm-event';
import { cleanValue, setContent, type ContentPolicy } from '../../events/span-mapping';
import { markOk } from '../../events/span-status';
import type { ToolEvent } from '../../events/tool-event';
import * as A from '../../semconv';
import type { Session } from '../../session/session';
import { activeHost, type InstrumentationHost } from '../host';
import { callParent } from '../parent-context';
import { SUPPRESS_LLM_SPAN_KEY } from './suppress';

/** `agentops.handoff.from` / `.to` (DESIGN section 3). */
export const AGENTOPS_HANDOFF_FROM = 'agentops.handoff.from';
export const AGENTOPS_HANDOFF_TO = 'agentops.handoff.to';
/** A guardrail's name and whether it tripped. */
export const AGENTOPS_GUARDRAIL_NAME = 'agentops.guardrail.name';
export const AGENTOPS_GUARDRAIL_TRIGGERED = 'agentops.guardrail.triggered';
/** The agent's instructions (content capture only) and the names of the tools it may call. */
export const AGENTOPS_AGENT_INSTRUCTIONS = 'agentops.agent.instructions';
export const AGENTOPS_AGENT_TOOLS = 'agentops.agent.tools';
/** Which framework recorded the span (`openai-agents`, `langchain`, `claude-agent-sdk`, `mastra`). */
export const AGENTOPS_FRAMEWORK = 'agentops.framework';

/** Spans opened by a tree that are still open, at most; older runs past this are ended as abandoned. */
const MAX_OPEN_RUNS = 10_000;

export interface AgentRunInfo {
  /** `gen_ai.agent.name`; the span is `invoke_agent {name}`. */
  name?: string;
  id?: string;
  description?: string;
  /** The agent's instructions (system prompt): recorded with content capture only, redacted. */
  instructions?: unknown;
  /** Names of the tools (and handoffs) the agent may call. */
  tools?: readonly string[];
  /** Extra attributes (framework-specific, no content). */
  attributes?: Attributes;
}

export interface SpanRunInfo {
  /** The span's name, e.g. `handoff triage -> billing`, `guardrail no_pii`, `retrieval docs`, a chain's name. */
  name: string;
  /** `agentops.span.kind`: `handoff`, `guardrail`, `chain`, `workflow`, `step`, `retrieval`, ... */
  kind: string;
  attributes?: Attributes;
  /** Input of the run: recorded as `agentops.operation.input` with content capture only. */
  input?: unknown;
}

export interface RunEnd {
  /** The thrown value or error the framework reported: status ERROR, `error.type`, `exception`. */
  error?: unknown;
  /** Output of a generic or agent run (`agentops.operation.output`, content capture only). Event runs take theirs from the event. */
  output?: unknown;
  /** Attributes to set at the end (no content). */
  attributes?: Attributes;
  /** End time (epoch ms or Date) when the framework reports it. */
  endTime?: number | Date;
}

interface Run {
  readonly host: InstrumentationHost;
  readonly span: Span;
  readonly ctx: Context;
  readonly session: Session | undefined;
  readonly event: Event | undefined;
}

/** Framework values (agent, tool, guardrail names, handoff targets) are the user's text: cut and redacted like every exported string. */
function setClean(span: Span, attributes: Attributes, p: ContentPolicy): void {
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined && v !== null) span.setAttribute(k, cleanValue(v, k, p));
}

export class RunTree {
  private readonly runs = new Map<string, Run>();
  private handoffs = 0;

  /** @param framework `agentops.framework` on every span of this tree. */
  constructor(private readonly framework: string) {}

  /** Number of runs still open. */
  get size(): number {
    return this.runs.size;
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** The span of an open run. */
  span(runId: string): Span | undefined {
    return this.runs.get(runId)?.span;
  }

  /** The event of an open LLM or tool run, to fill in (usage, completion, result) before `end()`. */
  event<E extends Event>(runId: string): E | undefined {
    return this.runs.get(runId)?.event as E | undefined;
  }

  /**
   * The context to run a run's own code in: its span active, in its session; inside an LLM run the
   * provider client's own LLM span is suppressed (the framework's span holds the call's usage).
   */
  context(runId: string): Context | undefined {
    return this.runs.get(runId)?.ctx;
  }

  /** Sets attributes on an open run's span, strings cut and redacted like every exported string. */
  setAttributes(runId: string, attributes: Attributes): void {
    const run = this.runs.get(runId);
    if (run !== undefined && run.span.isRecording()) setClean(run.span, attributes, run.host.recorder.policy);
  }

  /** `invoke_agent {name}` with `gen_ai.agent.*`. */
  startAgent(runId: string, parentId: string | undefined, info: AgentRunInfo, startTime?: number | Date): Span | undefined {
    const name = typeof info.name === 'string' && info.name !== '' ? info.name : 'agent';
    return this.open(runId, parentId, (host, parent) => {
      const span = host.tracer!.startSpan(`${A.GEN_AI_OPERATION_INVOKE_AGENT} ${name}`, { kind: SpanKind.INTERNAL, startTime }, parent);
      if (span.isRecording()) {
        span.setAttribute(A.AGENTOPS_SPAN_KIND, 'agent');
        span.setAttribute(A.GEN_AI_OPERATION_NAME, A.GEN_AI_OPERATION_INVOKE_AGENT);
        const p = host.recorder.policy;
        const attributes: Attributes = { [A.GEN_AI_AGENT_NAME]: name };
        if (typeof info.id === 'string' && info.id !== '') attributes[A.GEN_AI_AGENT_ID] = info.id;
        if (typeof info.description === 'string' && info.description !== '') attributes[A.GEN_AI_AGENT_DESCRIPTION] = info.description;
        const tools = Array.isArray(info.tools) ? info.tools.filter((t) => typeof t === 'string') : [];
        if (tools.length > 0) attributes[AGENTOPS_AGENT_TOOLS] = tools;
        if (p.capture && info.instructions !== undefined && info.instructions !== null && info.instructions !== '') setContent(span, AGENTOPS_AGENT_INSTRUCTIONS, info.instructions, p);
        this.common(span, { ...attributes, ...info.attributes }, p);
      }
      return { span, event: undefined, suppressLLM: false };
    });
  }

  /** `execute_tool {name}` from a ToolEvent (arguments and result with content capture). */
  startTool(runId: string, parentId: string | undefined, event: ToolEvent): Span | undefined {
    return this.startEvent(runId, parentId, event, false);
  }

  /** `chat {model}` from an LLMEvent; provider client spans inside it are suppressed. */
  startLLM(runId: string, parentId: string | undefined, event: LLMEvent): Span | undefined {
    return this.startEvent(runId, parentId, event, true);
  }

  /** Any other run: handoff, guardrail, chain, workflow, step, retrieval. */
  startSpan(runId: string, parentId: string | undefined, info: SpanRunInfo, startTime?: number | Date): Span | undefined {
    return this.open(runId, parentId, (host, parent) => {
      const span = host.tracer!.startSpan(info.name || info.kind, { kind: SpanKind.INTERNAL, startTime }, parent);
      if (span.isRecording()) {
        span.setAttribute(A.AGENTOPS_SPAN_KIND, info.kind);
        const p = host.recorder.policy;
        if (p.capture && info.input !== undefined) setContent(span, A.AGENTOPS_OPERATION_INPUT, info.input, p);
        this.common(span, info.attributes, p);
      }
      return { span, event: undefined, suppressLLM: false };
    });
  }

  /** A finished handoff: `handoff {from} -> {to}` under `parentId` (the agent handing off). */
  handoff(parentId: string | undefined, from: string, to: string, time?: number | Date): void {
    const id = `agentops.handoff:${++this.handoffs}`;
    this.startSpan(id, parentId, { name: `handoff ${from} -> ${to}`, kind: 'handoff', attributes: { [AGENTOPS_HANDOFF_FROM]: from, [AGENTOPS_HANDOFF_TO]: to } }, time);
    this.end(id, { endTime: time });
  }

  /** Ends a run: OK, or ERROR with the error; an event run ends through the recorder (its usage, result, cost). */
  end(runId: string, end: RunEnd = {}): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    this.runs.delete(runId);
    // The session ended first and already ended the span as abandoned.
    if (run.session !== undefined && !run.session.closeSpan(run.span)) return;
    try {
      const { span, host, event } = run;
      const endTime = end.endTime instanceof Date ? end.endTime.getTime() : end.endTime;
      if (span.isRecording() && end.attributes !== undefined) setClean(span, end.attributes, host.recorder.policy);
      if (event !== undefined) {
        if (end.error !== undefined && end.error !== null) event.error = end.error;
        else if (end.output !== undefined && event.returns === undefined) event.returns = end.output;
        if (event.error === undefined || event.error === null) markOk(span);
        host.recorder.end(span, event, endTime);
        return;
      }
      if (span.isRecording()) {
        if (end.error !== undefined && end.error !== null) host.recorder.fail(span, end.error);
        else {
          const p = host.recorder.policy;
          if (p.capture && end.output !== undefined) setContent(span, A.AGENTOPS_OPERATION_OUTPUT, end.output, p);
          markOk(span);
        }
      }
      span.end(endTime);
    } catch (err) {
      run.span.end();
      run.host.logger.once(`${this.framework}:end`, 'warn', `${this.framework}: ending a span failed; it was ended with what was set (${String(err)}) (reported once)`);
    }
  }

  /** Ends every open run, marked `agentops.span.abandoned` (a cancelled or crashed run, shutdown). */
  abandon(reason?: unknown): void {
    for (const [id, run] of [...this.runs]) {
      if (run.span.isRecording()) run.span.setAttribute(A.AGENTOPS_SPAN_ABANDONED, true);
      this.end(id, reason === undefined ? {} : { error: reason });
    }
  }

  private startEvent(runId: string, parentId: string | undefined, event: Event, suppressLLM: boolean): Span | undefined {
    return this.open(runId, parentId, (host, parent) => {
      const span = host.recorder.start(event, parent);
      if (span.isRecording()) this.common(span, undefined, host.recorder.policy);
      return { span, event, suppressLLM };
    });
  }

  private common(span: Span, attributes: Attributes | undefined, p: ContentPolicy): void {
    span.setAttribute(AGENTOPS_FRAMEWORK, this.framework);
    if (attributes !== undefined) setClean(span, attributes, p);
  }

  private open(
    runId: string,
    parentId: string | undefined,
    make: (host: InstrumentationHost, parent: Context) => { span: Span; event: Event | undefined; suppressLLM: boolean },
  ): Span | undefined {
    const host = activeHost();
    if (host === undefined || typeof runId !== 'string') return undefined;
    try {
      if (this.runs.has(runId)) return this.runs.get(runId)!.span;
      const parentRun = parentId === undefined ? undefined : this.runs.get(parentId);
      const where = parentRun !== undefined ? { ctx: parentRun.ctx, session: parentRun.session } : callParent(host);
      // A run's own context never suppresses its children's spans: only the LLM run's client call is one.
      const parent = where.ctx.deleteValue(SUPPRESS_LLM_SPAN_KEY);
      const { span, event, suppressLLM } = make(host, parent);
      let ctx = trace.setSpan(parent, span);
      if (where.session !== undefined) ctx = ctx.setValue(SESSION_KEY, where.session);
      if (suppressLLM) ctx = ctx.setValue(SUPPRESS_LLM_SPAN_KEY, true);
      where.session?.openSpan(span);
      if (this.runs.size >= MAX_OPEN_RUNS) this.evictOldest();
      this.runs.set(runId, { host, span, ctx, session: where.session, event });
      return span;
    } catch (err) {
      host.logger.once(`${this.framework}:start`, 'warn', `${this.framework}: a run could not be recorded; the framework runs on unrecorded (${String(err)}) (reported once)`);
      return undefined;
    }
  }

  private evictOldest(): void {
    const first = this.runs.keys().next();
    if (first.done === true) return;
    const run = this.runs.get(first.value)!;
    if (run.span.isRecording()) run.span.setAttribute(A.AGENTOPS_SPAN_ABANDONED, true);
    this.end(first.value);
  }
}
