/**
 * The LangChain callback handler: every run LangChain reports (chains, LangGraph graphs and nodes,
 * chat models, tools, retrievers) becomes a span of the shared run tree, nested by LangChain's own
 * run ids. Graphs and agents are `invoke_agent {name}`, their nodes `{node}` steps, plain chains a
 * span named after the chain, model runs `chat {model}` with usage, tools `execute_tool {name}`,
 * retrievers `retrieval {name}` with the number of documents. LangGraph's plumbing (runs it marks
 * hidden, the runnables inside a node) records nothing: its children go to the nearest recorded run.
 *
 * The handler has the shape LangChain's callback manager expects (`name`, `awaitHandlers`, `copy`,
 * the `ignore*` flags) without importing `@langchain/core`. Every instance records into one tree,
 * so a handler passed by hand next to the one agentops registers records each run once.
 */
import { LLMEvent } from '../../events/llm-event';
import { ToolEvent } from '../../events/tool-event';
import { activeHost } from '../host';
import { RunTree } from '../shared/run-tree';
import { applyResult, chainRole, documents, isGraphControlFlow, modelRequest, promptMessages, runName, toolInput, toolOutput } from './mapping';

/** The handler's name in LangChain's callback managers: one agentops handler per manager. */
export const HANDLER_NAME = 'agentops_callback_handler';
/** Number of documents a retriever returned. */
export const AGENTOPS_RETRIEVAL_DOCUMENTS = 'agentops.retrieval.documents';
/** The LangGraph node a step span ran, and its superstep. */
export const LANGGRAPH_NODE = 'agentops.langgraph.node';
export const LANGGRAPH_STEP = 'agentops.langgraph.step';

/** Skipped runs not ended (a crashed graph) are forgotten past this many. */
const MAX_SKIPPED = 10_000;

const tree = new RunTree('langchain');
/** Skipped run -> the recorded run its children go under (undefined: none, the active span). */
const skipped = new Map<string, string | undefined>();
/** Runs recorded as plain chains, whose output is captured content. */
const chains = new Set<string>();

function capture(): boolean {
  return activeHost()?.recorder.policy.capture === true;
}

/** The recorded run a run's children nest under. */
function parentOf(parentRunId: unknown): string | undefined {
  if (typeof parentRunId !== 'string') return undefined;
  return skipped.has(parentRunId) ? skipped.get(parentRunId) : parentRunId;
}

function skip(runId: string, parentRunId: unknown): void {
  if (skipped.size >= MAX_SKIPPED) skipped.delete(skipped.keys().next().value!);
  skipped.set(runId, parentOf(parentRunId));
}

/** Runs `fn`, never letting a failure of recording reach LangChain. */
function safely(what: string, fn: () => void): void {
  try {
    if (activeHost() !== undefined) fn();
  } catch (err) {
    activeHost()?.logger.once(`langchain:${what}`, 'warn', `langchain: a ${what} callback could not be recorded (${String(err)}) (reported once)`);
  }
}

function endRun(runId: unknown, end: { error?: unknown; output?: unknown }): void {
  if (typeof runId !== 'string') return;
  if (skipped.delete(runId)) return;
  const chain = chains.delete(runId);
  if (end.error !== undefined && isGraphControlFlow(end.error)) {
    tree.end(runId, { attributes: { 'agentops.langgraph.interrupted': true } });
    return;
  }
  tree.end(runId, end.error !== undefined ? { error: end.error } : chain ? { output: end.output } : {});
}

/**
 * A LangChain callback handler recording into agentops. `init()` registers one for every run of
 * every `@langchain/core` it patches; pass one by hand where automatic patching cannot reach
 * (a bundled application): `graph.invoke(input, { callbacks: [new AgentOpsCallbackHandler()] })`.
 */
export class AgentOpsCallbackHandler {
  readonly name = HANDLER_NAME;
  readonly lc_serializable = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  readonly ignoreAgent = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = true;
  readonly raiseError = false;
  /** Called in line: every method is synchronous and cheap, and spans must open before the run's own work. */
  readonly awaitHandlers = true;

  copy(): this {
    return this;
  }

  handleChainStart(serialized: unknown, inputs: unknown, runId: string, parentRunId?: string, tags?: string[], metadata?: Record<string, unknown>, _runType?: string, name?: string): void {
    safely('chain start', () => {
      const label = runName(serialized, name, 'chain');
      const role = chainRole(serialized, label, tags, metadata);
      const parent = parentOf(parentRunId);
      if (role === 'hidden') return skip(runId, parentRunId);
      if (role === 'agent') {
        tree.startAgent(runId, parent, { name: label });
        return;
      }
      if (role === 'node') {
        const step = metadata?.langgraph_step;
        tree.startSpan(runId, parent, { name: label, kind: 'step', attributes: { [LANGGRAPH_NODE]: label, ...(typeof step === 'number' ? { [LANGGRAPH_STEP]: step } : {}) } });
        return;
      }
      chains.add(runId);
      tree.startSpan(runId, parent, { name: label, kind: 'chain', input: capture() ? inputs : undefined });
    });
  }

  handleChainEnd(outputs: unknown, runId: string): void {
    safely('chain end', () => endRun(runId, { output: capture() ? outputs : undefined }));
  }

  handleChainError(err: unknown, runId: string): void {
    safely('chain error', () => endRun(runId, { error: err }));
  }

  handleChatModelStart(serialized: unknown, messages: unknown, runId: string, parentRunId?: string, extraParams?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>): void {
    safely('model start', () => this.startModel(serialized, capture() ? promptMessages(messages) : undefined, runId, parentRunId, extraParams, metadata, 'chat'));
  }

  handleLLMStart(serialized: unknown, prompts: unknown, runId: string, parentRunId?: string, extraParams?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>): void {
    safely('model start', () => {
      const prompt = capture() && Array.isArray(prompts) ? (prompts.length === 1 ? (prompts[0] as unknown) : prompts) : undefined;
      this.startModel(serialized, prompt, runId, parentRunId, extraParams, metadata, 'text_completion');
    });
  }

  handleLLMEnd(output: unknown, runId: string): void {
    safely('model end', () => {
      const event = tree.event<LLMEvent>(runId);
      if (event !== undefined) applyResult(event, output, capture());
      tree.end(runId);
    });
  }

  handleLLMError(err: unknown, runId: string): void {
    safely('model error', () => tree.end(runId, { error: err }));
  }

  handleToolStart(serialized: unknown, input: unknown, runId: string, parentRunId?: string, _tags?: string[], _metadata?: Record<string, unknown>, name?: string, toolCallId?: string): void {
    safely('tool start', () => {
      const event = new ToolEvent({ name: runName(serialized, name, 'tool'), toolCallId, toolType: 'function', params: capture() ? toolInput(input) : undefined });
      tree.startTool(runId, parentOf(parentRunId), event);
    });
  }

  handleToolEnd(output: unknown, runId: string): void {
    safely('tool end', () => {
      const event = tree.event<ToolEvent>(runId);
      if (event !== undefined && capture()) event.returns = toolOutput(output);
      tree.end(runId);
    });
  }

  handleToolError(err: unknown, runId: string): void {
    safely('tool error', () => tree.end(runId, { error: err }));
  }

  handleRetrieverStart(serialized: unknown, query: unknown, runId: string, parentRunId?: string, _tags?: string[], _metadata?: Record<string, unknown>, name?: string): void {
    safely('retriever start', () => {
      const label = runName(serialized, name, 'retriever');
      tree.startSpan(runId, parentOf(parentRunId), { name: `retrieval ${label}`, kind: 'retrieval', input: capture() ? query : undefined });
    });
  }

  handleRetrieverEnd(docs: unknown, runId: string): void {
    safely('retriever end', () => {
      const count = Array.isArray(docs) ? docs.length : 0;
      tree.end(runId, { attributes: { [AGENTOPS_RETRIEVAL_DOCUMENTS]: count }, output: capture() ? documents(docs) : undefined });
    });
  }

  handleRetrieverError(err: unknown, runId: string): void {
    safely('retriever error', () => tree.end(runId, { error: err }));
  }

  private startModel(serialized: unknown, prompt: unknown, runId: string, parentRunId: unknown, extraParams: unknown, metadata: unknown, operation: string): void {
    const { model, provider, params } = modelRequest(serialized, extraParams, metadata);
    tree.startLLM(runId, parentOf(parentRunId), new LLMEvent({ model, provider, operation, prompt, params }));
  }
}

/** The handler `init()` registers with every callback manager LangChain configures. */
export const globalHandler = new AgentOpsCallbackHandler();

/** Ends every open LangChain run (shutdown). */
export function abandonRuns(): void {
  tree.abandon();
  skipped.clear();
  chains.clear();
}
