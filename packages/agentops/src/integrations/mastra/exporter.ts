/**
 * The observability exporter agentops registers with Mastra (`ObservabilityExporter` of
 * `@mastra/core/observability`): Mastra hands it every span as it starts, changes and ends, and it
 * turns them into agentops spans in the session through the shared run tree, keyed by Mastra's span
 * ids (the parent ids give the tree). Mastra calls it synchronously from inside the run, so the
 * first span of a run lands under the caller's active span and session.
 *
 * Agents, model calls, tools, workflows and steps are opened when they start (what runs inside nests
 * under them; an abandoned run is ended with its session) and completed when they end, with Mastra's
 * start and end times; a model call gets its usage then and, with content capture, the prompt
 * Mastra reported for its step. A tool that fails marks its agent failed too (Mastra hands the error to the model
 * and the run goes on: the agent span says that a tool of the run failed).
 */
import type { Attributes } from '@opentelemetry/api';
import { activeHost } from '../host';
import type { LLMEvent } from '../../events/llm-event';
import { inputMessagesJson } from '../../events/messages';
import { setJson } from '../../events/span-mapping';
import type { ToolEvent } from '../../events/tool-event';
import { GEN_AI_INPUT_MESSAGES } from '../../semconv';
import { AGENTOPS_AGENT_TOOLS, RunTree } from '../shared/run-tree';
import { asSpan, attrs, entityName, epochMs, errorOf, finishLLM, holdsPrompt, llmEvent, roleOf, stepName, stringList, toolEvent, type MastraSpan, type Role } from './mapping';

export const FRAMEWORK = 'mastra';

/** Mastra's id of the run the span belongs to, its trace id. */
const MASTRA_TRACE_ID = 'agentops.mastra.trace_id';

/** Ids kept for spans that are not recorded (so their children find a recorded ancestor), at most. */
const MAX_SKIPPED = 10_000;

interface OpenRun {
  readonly role: Role;
  /** The recorded run it nests under. */
  readonly parent: string | undefined;
  /** A tool of this agent run failed: the agent ends with it when Mastra reports no error of its own. */
  toolError?: Error;
}

export class MastraExporter {
  /** The exporter's name, as Mastra lists it. */
  readonly name = 'agentops';
  private readonly tree = new RunTree(FRAMEWORK);
  private readonly runs = new Map<string, OpenRun>();
  /** Spans that are not recorded -> the recorded run their children nest under. */
  private readonly skipped = new Map<string, string | undefined>();
  /** The prompt of a model step (its input, with content capture), for the model calls inside it. */
  private readonly prompts = new Map<string, unknown>();

  /** Mastra's event handler: never throws, never waits. */
  onTracingEvent(event: unknown): void {
    try {
      this.handle(event);
    } catch (err) {
      activeHost()?.logger.once('mastra:event', 'warn', `mastra: a span could not be recorded; Mastra runs on (${String(err)}) (reported once)`);
    }
  }

  exportTracingEvent(event: unknown): Promise<void> {
    this.onTracingEvent(event);
    return Promise.resolve();
  }

  /** Spans are delivered by agentops' own pipeline (`agentops.flush()`). */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Mastra shutting down does not end what other Mastra instances still run; the session ends its spans. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  /** Ends every open run, marked abandoned (`shutdown()` of agentops). */
  abandon(): void {
    this.tree.abandon();
    this.runs.clear();
    this.skipped.clear();
    this.prompts.clear();
  }

  private handle(event: unknown): void {
    if (activeHost() === undefined || event === null || typeof event !== 'object') return;
    const { type, exportedSpan } = event as { type?: unknown; exportedSpan?: unknown };
    const span = asSpan(exportedSpan);
    if (span === undefined) return;
    const role = roleOf(span.type);
    if (type === 'span_started') this.started(span, role);
    else if (type === 'span_updated') this.updated(span, role);
    else if (type === 'span_ended') this.ended(span, role);
  }

  /** The recorded run a span with this parent id nests under. */
  private parentOf(parentId: string | undefined): string | undefined {
    if (parentId === undefined) return undefined;
    if (this.runs.has(parentId)) return parentId;
    return this.skipped.get(parentId);
  }

  private started(s: MastraSpan, role: Role | undefined): void {
    const parent = this.parentOf(s.parentSpanId);
    if (role === undefined) {
      // Not recorded: what it contains nests under its parent.
      if (this.skipped.size >= MAX_SKIPPED) this.skipped.delete(this.skipped.keys().next().value!);
      this.skipped.set(s.id, parent);
      return;
    }
    if (this.runs.has(s.id)) return;
    const opened = this.open(s, role, parent);
    if (opened) this.runs.set(s.id, { role, parent });
  }

  private open(s: MastraSpan, role: Role, parent: string | undefined): boolean {
    const a = attrs(s);
    const start = epochMs(s.startTime);
    const extra: Attributes = typeof s.traceId === 'string' ? { [MASTRA_TRACE_ID]: s.traceId } : {};
    switch (role) {
      case 'agent':
        return (
          this.tree.startAgent(
            s.id,
            parent,
            { name: entityName(s), id: typeof s.entityId === 'string' ? s.entityId : undefined, instructions: a.instructions, tools: stringList(a.availableTools), attributes: extra },
            start,
          ) !== undefined
        );
      case 'tool':
        return this.tree.startTool(s.id, parent, toolEvent(s)) !== undefined;
      case 'llm':
        return this.tree.startLLM(s.id, parent, llmEvent(s)) !== undefined;
      case 'workflow':
      case 'step': {
        const name = `${role} ${(role === 'step' ? stepName(s) : entityName(s)) ?? role}`;
        return this.tree.startSpan(s.id, parent, { name, kind: role, input: s.input, attributes: extra }, start) !== undefined;
      }
      default:
        return false;
    }
  }

  private updated(s: MastraSpan, role: Role | undefined): void {
    if (role === undefined && holdsPrompt(s.type) && s.input !== undefined && activeHost()?.recorder.policy.capture === true) this.prompts.set(s.id, s.input);
    if (role === 'agent') {
      const tools = stringList(attrs(s).availableTools);
      if (tools !== undefined && tools.length > 0) this.tree.setAttributes(s.id, { [AGENTOPS_AGENT_TOOLS]: tools });
    }
  }

  private ended(s: MastraSpan, role: Role | undefined): void {
    const end = epochMs(s.endTime);
    const error = errorOf(s);
    if (role === undefined) {
      this.skipped.delete(s.id);
      this.prompts.delete(s.id);
      return;
    }
    // A span reported only once ended (an event span, or one that started before agentops was registered).
    if (!this.runs.has(s.id)) this.started(s, role);
    const run = this.runs.get(s.id);
    if (run === undefined) return;
    this.runs.delete(s.id);
    if (role === 'llm') {
      this.finishModelCall(s);
      this.tree.end(s.id, { error, endTime: end });
      return;
    }
    if (role === 'tool') {
      const event = this.tree.event<ToolEvent>(s.id);
      if (event !== undefined && s.output !== undefined) event.returns = s.output;
      if (error !== undefined) this.markAgent(run.parent, error);
      this.tree.end(s.id, { error, endTime: end });
      return;
    }
    if (role === 'agent') {
      const tools = stringList(attrs(s).availableTools);
      const attributes: Attributes | undefined = tools !== undefined && tools.length > 0 ? { [AGENTOPS_AGENT_TOOLS]: tools } : undefined;
      this.tree.end(s.id, { error: error ?? run.toolError, output: outputOf(s.output), attributes, endTime: end });
      return;
    }
    this.tree.end(s.id, { error, output: s.output, endTime: end });
  }

  /** Usage, response and completion of a model call; with capture, the prompt its step reported. */
  private finishModelCall(s: MastraSpan): void {
    const event = this.tree.event<LLMEvent>(s.id);
    const host = activeHost();
    if (event === undefined || host === undefined) return;
    const p = host.recorder.policy;
    finishLLM(event, s, p.capture);
    const prompt = p.capture && s.parentSpanId !== undefined ? this.prompts.get(s.parentSpanId) : undefined;
    const span = this.tree.span(s.id);
    if (prompt !== undefined && span?.isRecording() === true) setJson(span, GEN_AI_INPUT_MESSAGES, inputMessagesJson(prompt, p.limit), p);
  }

  /** The nearest agent run at or above `id` takes the error of a tool it ran. */
  private markAgent(id: string | undefined, error: Error): void {
    for (let at = id, hops = 0; at !== undefined && hops < 64; hops++) {
      const run = this.runs.get(at);
      if (run === undefined) return;
      if (run.role === 'agent') {
        run.toolError ??= error;
        return;
      }
      at = run.parent;
    }
  }
}

/** An agent's output: its text when that is all it gave. */
function outputOf(output: unknown): unknown {
  if (output !== null && typeof output === 'object' && typeof (output as { text?: unknown }).text === 'string') {
    const o = output as { text: string; object?: unknown };
    return o.object ?? o.text;
  }
  return output;
}
