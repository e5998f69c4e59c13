/**
 * The trace processor agentops registers with the OpenAI Agents SDK (`addTraceProcessor`). The SDK
 * reports its own spans (agent, generation, response, function, handoff, guardrail, mcp_tools, and
 * task / turn / custom spans around them) with span ids and parent ids; each one that means
 * something to a reader becomes a span of the agentops session through the shared RunTree, keyed
 * by the SDK's span id. The others (a task, a turn) are transparent: their children nest under
 * the nearest mapped ancestor, so an agent's model calls and tools sit directly under it.
 *
 * Model calls through the SDK's OpenAI models are recorded by the model wrapper (model-call.ts),
 * which sees the request and the usage whatever the SDK's trace settings; the `response` or
 * `generation` span the SDK opens inside such a call is then skipped here (its context carries the
 * suppression key), so each call is one `chat` span.
 */
import { context, type Attributes } from '@opentelemetry/api';
import { LLMEvent } from '../../events/llm-event';
import { ToolEvent } from '../../events/tool-event';
import { RunTree, AGENTOPS_AGENT_TOOLS, AGENTOPS_GUARDRAIL_NAME, AGENTOPS_GUARDRAIL_TRIGGERED, AGENTOPS_HANDOFF_FROM, AGENTOPS_HANDOFF_TO } from '../shared/run-tree';
import { isLLMSpanSuppressed } from '../shared/suppress';
import { isRecord } from '../shared/llm-adapter';
import { agentsError, parseJson, usageOf } from './mapping';

/** `agentops.framework` on every span this integration records. */
export const FRAMEWORK = 'openai-agents';

/** The part of the SDK's span this processor reads. */
export interface AgentsSpan {
  readonly spanId: string;
  readonly parentId: string | null;
  readonly spanData: Record<string, unknown> & { type: string };
  readonly error: { message: string; data?: Record<string, unknown> } | null;
}

/** `mcp.server.name`-like attribute for the SDK's `mcp_tools` (list tools) spans. */
const AGENTOPS_MCP_SERVER = 'agentops.mcp.server';
const AGENTOPS_MCP_TOOLS = 'agentops.mcp.tools';
/** The agents an agent may hand off to, and the type of its final output. */
const AGENTOPS_AGENT_HANDOFFS = 'agentops.agent.handoffs';
const AGENTOPS_AGENT_OUTPUT_TYPE = 'agentops.agent.output_type';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export class AgentsTraceProcessor {
  readonly tree = new RunTree(FRAMEWORK);
  /** SDK span id -> the mapped run its children nest under (for transparent and skipped spans). */
  private readonly aliases = new Map<string, string | undefined>();
  /** False after `unpatch()`: the SDK keeps the processor, which then records nothing. */
  active = true;

  /** The run a child of SDK span `id` nests under, or undefined (the session). */
  resolve(id: string | null | undefined): string | undefined {
    if (typeof id !== 'string') return undefined;
    if (this.tree.has(id)) return id;
    return this.aliases.get(id);
  }

  onTraceStart(): Promise<void> {
    return Promise.resolve();
  }

  onTraceEnd(): Promise<void> {
    return Promise.resolve();
  }

  // The SDK awaits its processors one after the other: the work is synchronous and returns a settled promise.
  onSpanStart(span: AgentsSpan): Promise<void> {
    if (this.active) {
      try {
        this.start(span);
      } catch {
        // Recording never fails the agent run; RunTree reports its own failures.
      }
    }
    return Promise.resolve();
  }

  onSpanEnd(span: AgentsSpan): Promise<void> {
    try {
      this.end(span);
    } catch {
      // As above.
    }
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Ends every run still open (the SDK never ended them: a cancelled run), marked abandoned. */
  abandon(): void {
    this.tree.abandon();
    this.aliases.clear();
  }

  private start(span: AgentsSpan): void {
    const { spanId, spanData: d } = span;
    if (typeof spanId !== 'string' || !isRecord(d)) return;
    const parent = this.resolve(span.parentId);
    switch (d.type) {
      case 'agent':
        // The SDK fills in the agent's tools and handoffs after the span starts: they are set at its end.
        this.tree.startAgent(spanId, parent, { name: str(d.name) ?? 'Agent' });
        return;
      case 'function':
        this.tree.startTool(spanId, parent, new ToolEvent({ name: str(d.name) ?? 'tool', toolType: 'function' }));
        return;
      case 'handoff': {
        const from = str(d.from_agent) ?? 'agent';
        this.tree.startSpan(spanId, parent, { name: `handoff ${from} -> ${str(d.to_agent) ?? '?'}`, kind: 'handoff', attributes: { [AGENTOPS_HANDOFF_FROM]: from } });
        return;
      }
      case 'guardrail':
        this.tree.startSpan(spanId, parent, { name: `guardrail ${str(d.name) ?? 'guardrail'}`, kind: 'guardrail', attributes: { [AGENTOPS_GUARDRAIL_NAME]: str(d.name) ?? 'guardrail' } });
        return;
      case 'mcp_tools': {
        const server = str(d.server);
        this.tree.startSpan(spanId, parent, { name: server === undefined ? 'mcp_tools' : `mcp_tools ${server}`, kind: 'mcp_tools', attributes: server === undefined ? {} : { [AGENTOPS_MCP_SERVER]: server } });
        return;
      }
      case 'generation':
        // Inside a wrapped model call the wrapper holds the call; elsewhere (another model class) this span is the call.
        if (!isLLMSpanSuppressed(context.active())) {
          this.tree.startLLM(spanId, parent, new LLMEvent({ model: str(d.model), prompt: d.input, params: isRecord(d.model_config) ? (d.model_config as Record<string, unknown>) : undefined }));
          return;
        }
        break;
      default:
        break;
    }
    // task, turn, response, custom, speech ...: transparent.
    this.aliases.set(spanId, parent);
  }

  private end(span: AgentsSpan): void {
    const { spanId, spanData: d } = span;
    if (this.aliases.delete(spanId) || !this.tree.has(spanId)) return;
    const error = span.error === null || span.error === undefined ? undefined : agentsError(span.error);
    const attributes: Attributes = {};
    switch (d.type) {
      case 'agent': {
        const tools = [...strings(d.tools), ...strings(d.handoffs)];
        if (tools.length > 0) attributes[AGENTOPS_AGENT_TOOLS] = tools;
        if (Array.isArray(d.handoffs) && d.handoffs.length > 0) attributes[AGENTOPS_AGENT_HANDOFFS] = strings(d.handoffs);
        if (str(d.output_type) !== undefined) attributes[AGENTOPS_AGENT_OUTPUT_TYPE] = d.output_type as string;
        break;
      }
      case 'function': {
        const event = this.tree.event<ToolEvent>(spanId);
        if (event !== undefined) {
          if (d.input !== undefined && d.input !== '') event.params = parseJson(d.input);
          if (error === undefined && d.output !== undefined) event.returns = d.output;
        }
        if (str(d.mcp_data) !== undefined) attributes['agentops.tool.mcp'] = true;
        break;
      }
      case 'handoff': {
        const to = str(d.to_agent);
        if (to !== undefined) {
          attributes[AGENTOPS_HANDOFF_TO] = to;
          this.tree.span(spanId)?.updateName(`handoff ${str(d.from_agent) ?? 'agent'} -> ${to}`);
        }
        break;
      }
      case 'guardrail':
        attributes[AGENTOPS_GUARDRAIL_TRIGGERED] = d.triggered === true;
        break;
      case 'mcp_tools':
        if (Array.isArray(d.result)) attributes[AGENTOPS_MCP_TOOLS] = strings(d.result);
        break;
      case 'generation': {
        const event = this.tree.event<LLMEvent>(spanId);
        if (event !== undefined) {
          const u = usageOf(d.usage);
          event.promptTokens = u.input;
          event.completionTokens = u.output;
          if (d.output !== undefined) event.completion = d.output;
        }
        break;
      }
      default:
        break;
    }
    this.tree.end(spanId, { error, attributes });
  }
}
