/**
 * `agentops.instrument(x)` and the instrumentation `init()` applies: patch what the user hands over
 * (a class, its module, or one client instance) and, unless `instrument: false`, every supported
 * library the process loads. `shutdown()` undoes every patch.
 */
import { SdkLogger } from '../log';
import { disableAutoPatching, enableAutoPatching } from './auto-patch';
import { activeHost, setInstrumentationHost, type InstrumentationHost } from './host';
import { INTEGRATIONS, integrationFor } from './registry';

/** What `init({ instrument })` accepts besides `false`. */
export interface InstrumentOptions {
  /** The OpenAI class (`import OpenAI from 'openai'`), its module namespace, or a client instance. */
  openai?: object;
  /** The Anthropic class (`import Anthropic from '@anthropic-ai/sdk'`), its module namespace, or a client instance. */
  anthropic?: object;
  /** The BedrockRuntimeClient class (`@aws-sdk/client-bedrock-runtime`), its module, or a client instance. */
  bedrock?: object;
  /** The `@google/genai` module (`import * as genai from '@google/genai'`), its `Models` class, or a `GoogleGenAI` client instance. */
  googleGenAI?: object;
  /** The MCP `Client` or `Server` class (`@modelcontextprotocol/sdk/client/index.js`, `.../server/index.js`), its module, or a Client, Server or McpServer instance. */
  mcp?: object;
  /**
   * The AI SDK 7's telemetry package (`import * as otel from '@ai-sdk/otel'`) or its `OpenTelemetry`
   * class: agentops registers an integration built from it, so every AI SDK 7 call is recorded.
   */
  aiSdk?: object;
  /** The OpenAI Agents SDK module (`import * as agents from '@openai/agents'`): its agents, model calls, tools, handoffs and guardrails. */
  openaiAgents?: object;
  /**
   * LangChain and LangGraph: the `CallbackManager` class (`@langchain/core/callbacks/manager`), its
   * module, or `{ CallbackManager, BaseChatModel }`: every run is recorded, with no handler passed.
   */
  langchain?: object;
  /** The Claude Agent SDK module (`import * as sdk from '@anthropic-ai/claude-agent-sdk'`) when its exports can be replaced, or one Query it returned. */
  claudeAgentSdk?: object;
  /**
   * The Mastra class (`import { Mastra } from '@mastra/core'`), its module, or a Mastra instance:
   * agentops registers its observability exporter with every Mastra (through `@mastra/observability`).
   */
  mastra?: object;
}

/** The validated `instrument` setting. */
export interface InstrumentConfig {
  /** Patch the supported libraries as they are loaded. */
  readonly auto: boolean;
  readonly targets: readonly object[];
}

let fallbackLogger: SdkLogger | undefined;

/**
 * Patches a supported client (OpenAI, Anthropic, Google GenAI, Bedrock Runtime, MCP: an instance,
 * class or module) so its calls are recorded (one span per call, in the current session); given the
 * `@ai-sdk/otel` module, registers agentops' telemetry integration with the AI SDK 7. Patching twice
 * is a no-op. Returns its argument.
 *
 * @example const openai = agentops.instrument(new OpenAI());
 */
export function instrument<T>(target: T): T {
  const logger = activeHost()?.logger ?? (fallbackLogger ??= new SdkLogger('warn'));
  const found = integrationFor(target);
  if (found === undefined) {
    logger.once('instrument:unknown', 'warn', `instrument(x) needs an ${libraryList()} client instance, class or module; nothing was patched (reported once)`);
    return target;
  }
  try {
    found.integration.patch(target, found.kind);
  } catch (err) {
    logger.once('instrument:failed', 'error', `instrument() could not patch its ${found.integration.packageName} target; calls go on unrecorded: ${String(err)}`);
  }
  return target;
}

/** `OpenAI or Anthropic`, `OpenAI, Anthropic or Google GenAI`. */
function libraryList(): string {
  const labels = INTEGRATIONS.map((i) => i.label);
  return labels.length < 2 ? labels.join('') : `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]!}`;
}

/** @internal Called by `init()`: the client becomes the one patched calls record into. */
export function applyInstrumentation(host: InstrumentationHost, config: InstrumentConfig): void {
  setInstrumentationHost(host);
  for (const t of config.targets) instrument(t);
  if (!config.auto) return;
  try {
    enableAutoPatching();
  } catch (err) {
    host.logger.once('instrument:auto', 'warn', `automatic patching is unavailable (${String(err)}); pass the classes with init({ instrument: { openai: OpenAI } }) instead`);
  }
}

/** @internal Called by `shutdown()`: every patch is undone and patched calls fall through. */
export function removeInstrumentation(host: InstrumentationHost): void {
  if (activeHost() !== host && activeHost() !== undefined) return;
  setInstrumentationHost(undefined);
  try {
    disableAutoPatching();
  } catch {
    // Unpatching below is what matters.
  }
  for (const integration of INTEGRATIONS) integration.unpatch();
}
