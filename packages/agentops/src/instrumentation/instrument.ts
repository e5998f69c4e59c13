/**
 * `agentops.instrument(x)` and the instrumentation `init()` applies: patch what the user hands over
 * (a class, its module, or one client instance) and, unless `instrument: false`, the `openai` and
 * `@anthropic-ai/sdk` modules the process loads. `shutdown()` undoes every patch.
 */
import { SdkLogger } from '../log';
import { patchAnthropicClass, patchAnthropicClient, anthropicClass } from './anthropic';
import { disableAutoInstrumentation, enableAutoInstrumentation } from './auto-instrument';
import { activeHost, setInstrumentationHost, type InstrumentationHost } from './host';
import { openAIClass, patchOpenAIClass, patchOpenAIClient } from './openai';
import { unpatchAll } from './patch';
import { targetKind } from './targets';

/** What `init({ instrument })` accepts besides `false`. */
export interface InstrumentOptions {
  /** The OpenAI class (`import OpenAI from 'openai'`), its module namespace, or a client instance. */
  openai?: object;
  /** The Anthropic class (`import Anthropic from '@anthropic-ai/sdk'`), its module namespace, or a client instance. */
  anthropic?: object;
}

/** The validated `instrument` setting. */
export interface InstrumentConfig {
  /** Patch `openai` / `@anthropic-ai/sdk` as they are loaded. */
  readonly auto: boolean;
  readonly targets: readonly object[];
}

let fallbackLogger: SdkLogger | undefined;

/**
 * Patches an OpenAI or Anthropic client instance, class or module so its LLM calls are recorded
 * (one span per call, in the current session). Patching twice is a no-op. Returns its argument.
 *
 * @example const openai = agentops.instrument(new OpenAI());
 */
export function instrument<T>(target: T): T {
  const logger = activeHost()?.logger ?? (fallbackLogger ??= new SdkLogger('warn'));
  try {
    if (!patchTarget(target)) {
      if (targetKind(target) === undefined) {
        logger.once('instrument:unknown', 'warn', 'instrument(x) needs an OpenAI or Anthropic client instance, class or module; nothing was patched (reported once)');
      }
    }
  } catch (err) {
    logger.once('instrument:failed', 'error', `instrument() could not patch its target; calls go on unrecorded: ${String(err)}`);
  }
  return target;
}

/** Patches one target; true when something was newly patched. */
function patchTarget(target: unknown): boolean {
  switch (targetKind(target)) {
    case 'openai-client':
      return patchOpenAIClient(target as Record<string, unknown>) > 0;
    case 'anthropic-client':
      return patchAnthropicClient(target as Record<string, unknown>) > 0;
    case 'openai-class':
      return patchOpenAIClass(openAIClass(target)!) > 0;
    case 'anthropic-class':
      return patchAnthropicClass(anthropicClass(target)!) > 0;
    default:
      return false;
  }
}

/** @internal Called by `init()`: the client becomes the one patched calls record into. */
export function applyInstrumentation(host: InstrumentationHost, config: InstrumentConfig): void {
  setInstrumentationHost(host);
  for (const t of config.targets) instrument(t);
  if (!config.auto) return;
  try {
    enableAutoInstrumentation();
  } catch (err) {
    host.logger.once('instrument:auto', 'warn', `automatic patching of openai / @anthropic-ai/sdk is unavailable (${String(err)}); pass the classes with init({ instrument: { openai: OpenAI } }) instead`);
  }
}

/** @internal Called by `shutdown()`: every patch is undone and patched calls fall through. */
export function removeInstrumentation(host: InstrumentationHost): void {
  if (activeHost() !== host && activeHost() !== undefined) return;
  setInstrumentationHost(undefined);
  try {
    disableAutoInstrumentation();
  } catch {
    // Unpatching below is what matters.
  }
  unpatchAll();
}
