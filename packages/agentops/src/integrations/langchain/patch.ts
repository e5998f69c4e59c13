/**
 * LangChain and LangGraph (`@langchain/core` 0.3 and 1.x). Two patches on the core package:
 * - `CallbackManager._configureSync` (which `CallbackManager.configure` calls), where every
 *   runnable, model, tool and retriever gets its callback manager: the agentops handler is added to
 *   each, inheritable, so every run is recorded with no handler passed. (The core's configure hooks
 *   live in an async-local store and reach only the runs started below where they were set.)
 * - `BaseChatModel.prototype.generate` and `_streamIterator`, where every chat model call runs: the
 *   provider client underneath (OpenAI, Anthropic, ...) runs with its own LLM span suppressed, since
 *   the model run's `chat` span already holds the call and its usage.
 * Automatic patching reaches both in the files the core loads them from, for each build it ships.
 */
import type { Integration, TargetKind } from '../integration';
import { activeHost } from '../host';
import { isRecord } from '../shared/llm-adapter';
import { patchMethod, unpatchAll, type AnyFunction } from '../shared/patch';
import { SUPPRESS_LLM_SPAN_KEY } from '../shared/suppress';
import { abandonRuns, globalHandler, HANDLER_NAME } from './handler';

const NAME = 'langchain';

interface Manager {
  handlers?: unknown;
  addHandler?: (handler: unknown, inherit?: boolean) => void;
}

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** The CallbackManager class: a class whose instances start runs and add handlers, with a static `configure`. */
function isCallbackManager(v: unknown): v is AnyFunction & Record<string, unknown> {
  if (typeof v !== 'function') return false;
  const c = v as unknown as Record<string, unknown>;
  const proto = c.prototype;
  return typeof c.configure === 'function' && isRecord(proto) && typeof proto.addHandler === 'function' && typeof proto.handleChainStart === 'function';
}

/** `BaseChatModel.prototype`: the object in the chain above `proto` that defines `_generateUncached` and `generate`. */
function chatModelPrototype(proto: unknown): object | undefined {
  let p = proto;
  for (let depth = 0; depth < 10 && isRecord(p) && p !== Object.prototype; depth++) {
    if (hasOwn(p, '_generateUncached') && hasOwn(p, 'generate') && typeof p.generate === 'function') return p;
    p = Object.getPrototypeOf(p) as unknown;
  }
  return undefined;
}

interface Targets {
  manager?: AnyFunction & Record<string, unknown>;
  chatModel?: object;
}

/** What a value holds: the CallbackManager class, a chat model class or instance (its BaseChatModel), or a module / object exporting them. */
function targetsOf(v: unknown): Targets {
  if (isCallbackManager(v)) return { manager: v };
  if (typeof v === 'function') {
    const chatModel = chatModelPrototype((v as { prototype?: unknown }).prototype);
    return chatModel === undefined ? {} : { chatModel };
  }
  if (!isRecord(v)) return {};
  const out: Targets = {};
  if (isCallbackManager(v.CallbackManager)) out.manager = v.CallbackManager;
  const base = v.BaseChatModel;
  const fromClass = typeof base === 'function' ? chatModelPrototype((base as { prototype?: unknown }).prototype) : undefined;
  const chatModel = fromClass ?? chatModelPrototype(Object.getPrototypeOf(v));
  if (chatModel !== undefined) out.chatModel = chatModel;
  return out;
}

/** Adds the agentops handler (inheritable) to the manager LangChain configured, making one when there was none. */
function wrapConfigure(original: AnyFunction): AnyFunction {
  return function configure(this: unknown, ...args: unknown[]): unknown {
    const manager = original.apply(this, args) as Manager | undefined;
    if (activeHost() === undefined) return manager;
    try {
      let m = manager;
      if (m === undefined || m === null) {
        if (typeof this !== 'function') return manager;
        m = new (this as new () => Manager)();
      }
      const handlers = Array.isArray(m.handlers) ? (m.handlers as unknown[]) : [];
      if (typeof m.addHandler !== 'function' || handlers.some((h) => isRecord(h) && h.name === HANDLER_NAME)) return m;
      m.addHandler(globalHandler, true);
      return m;
    } catch (err) {
      activeHost()?.logger.once('langchain:configure', 'warn', `langchain: the agentops handler could not be added to a run; it runs unrecorded (${String(err)}) (reported once)`);
      return manager;
    }
  };
}

/** Runs a chat model call with the provider client's LLM span suppressed. */
function wrapGenerate(original: AnyFunction): AnyFunction {
  return function generate(this: unknown, ...args: unknown[]): unknown {
    const host = activeHost();
    if (host === undefined) return original.apply(this, args);
    const ctx = host.contextAccess.active().setValue(SUPPRESS_LLM_SPAN_KEY, true);
    return host.contextAccess.with(ctx, () => original.apply(this, args));
  };
}

/** The same for a streamed call: each step of the stream runs suppressed, as the client is called while it is read. */
function wrapStreamIterator(original: AnyFunction): AnyFunction {
  return function _streamIterator(this: unknown, ...args: unknown[]): unknown {
    const host = activeHost();
    if (host === undefined) return original.apply(this, args);
    const access = host.contextAccess;
    const ctx = access.active().setValue(SUPPRESS_LLM_SPAN_KEY, true);
    const it = access.with(ctx, () => original.apply(this, args)) as AsyncIterator<unknown>;
    if (!isRecord(it) || typeof it.next !== 'function') return it;
    const step = (key: 'next' | 'return' | 'throw', arg: unknown): Promise<IteratorResult<unknown>> => {
      const fn = it[key];
      return typeof fn === 'function' ? access.with(ctx, () => fn.call(it, arg)) : Promise.resolve({ done: true, value: arg });
    };
    return {
      next: (v?: unknown) => step('next', v),
      return: (v?: unknown) => step('return', v),
      throw: (e?: unknown) => step('throw', e),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };
}

export const langchainIntegration: Integration = {
  name: NAME,
  label: 'LangChain',
  packageName: '@langchain/core',
  accepts:
    "the CallbackManager class (import { CallbackManager } from '@langchain/core/callbacks/manager'), its module, or an object { CallbackManager, BaseChatModel } (BaseChatModel from '@langchain/core/language_models/chat_models')",
  testedMajors: [0, 1],
  files: ['dist/callbacks/manager.cjs', 'dist/callbacks/manager.js', 'dist/language_models/chat_models.cjs', 'dist/language_models/chat_models.js'],
  patchMain: false,
  recognise(value: unknown): TargetKind | undefined {
    try {
      const t = targetsOf(value);
      if (t.manager !== undefined || t.chatModel !== undefined) return 'module';
    } catch {
      // A hostile object (throwing getters) is simply not a target.
    }
    return undefined;
  },
  patch(value: unknown): number {
    const t = targetsOf(value);
    let n = 0;
    if (t.manager !== undefined) {
      const key = typeof t.manager._configureSync === 'function' ? '_configureSync' : 'configure';
      n += Number(patchMethod(NAME, t.manager, key, wrapConfigure));
    }
    if (t.chatModel !== undefined) {
      n += Number(patchMethod(NAME, t.chatModel, 'generate', wrapGenerate));
      n += Number(patchMethod(NAME, t.chatModel, '_streamIterator', wrapStreamIterator));
    }
    return n;
  },
  unpatch(): void {
    unpatchAll(NAME);
    abandonRuns();
  },
};
