/**
 * Claude Agent SDK instrumentation (`@anthropic-ai/claude-agent-sdk`, an ES module package): its
 * `query()` export is replaced on the module's export object, so every query is recorded
 * (mapping.ts) and the caller gets the very same Query object back (query.ts).
 *
 * An ES module namespace cannot be written to: its function exports can be replaced only through
 * the module the import-in-the-middle loader hook puts in its place, whose exports are settable.
 * That hook is registered by `init()` (or `--import agentops/hook`), so the SDK is patched when it is
 * imported after `init()` or under the flag. `require` of the SDK (Node 22.12 and newer) returns the
 * namespace itself, which that hook does not see: there the require hook hands out, in its place, an
 * object that reads every export through from the namespace and whose `query` is patched
 * (`requireExports`). An SDK namespace loaded before either hook cannot be patched: that is reported
 * once, and one query can still be recorded by handing it over, `agentops.instrument(query({ ... }))`.
 */
import { activeHost } from '../host';
import type { Integration, TargetKind } from '../integration';
import { isRecord } from '../shared/llm-adapter';
import { patchMethod, unpatchAll, type AnyFunction } from '../shared/patch';
import { isQuery, tracedQuery, watchUnpatchedQuery } from './query';

const NAME = 'claudeAgentSdk';

/** The SDK's module: `query` beside the SDK's other entry points. */
function isSdkModule(v: unknown): v is Record<string, unknown> {
  return (isRecord(v) || typeof v === 'object') && v !== null && typeof (v as Record<string, unknown>).query === 'function' && typeof (v as Record<string, unknown>).createSdkMcpServer === 'function';
}

function wrapQuery(original: AnyFunction): AnyFunction {
  return function query(this: unknown, ...args: unknown[]) {
    return tracedQuery(original, this, args);
  };
}

/** A module namespace object (`import * as`, or what `require` of an ES module returns), which refuses new values. */
function isNamespace(v: unknown): v is object {
  return v !== null && typeof v === 'object' && Object.prototype.toString.call(v) === '[object Module]' && Object.getOwnPropertyDescriptor(v, 'query')?.configurable === false;
}

/** What `require` hands out in place of the SDK's namespace: every export read through from it, `query` replaceable. */
function throughNamespace(ns: object): object {
  const out = Object.create(null) as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(ns)) {
    Object.defineProperty(out, key, { get: () => (ns as Record<PropertyKey, unknown>)[key], enumerable: key !== Symbol.toStringTag, configurable: true });
  }
  return out;
}

export const claudeAgentSdkIntegration: Integration = {
  name: NAME,
  label: 'Claude Agent SDK',
  packageName: '@anthropic-ai/claude-agent-sdk',
  accepts: "the Claude Agent SDK module (import * as sdk from '@anthropic-ai/claude-agent-sdk') or a query it returned",
  testedMajors: [0, 0],
  requireExports(exports: unknown): unknown {
    return isSdkModule(exports) && isNamespace(exports) ? throughNamespace(exports) : undefined;
  },
  recognise(value: unknown): TargetKind | undefined {
    try {
      if (isSdkModule(value)) return 'module';
      if (isQuery(value)) return 'instance';
    } catch {
      // A hostile object (throwing getters) is simply not a target.
    }
    return undefined;
  },
  patch(value: unknown, kind: TargetKind): number {
    if (kind === 'instance') return Number(watchUnpatchedQuery(value as object));
    if (!isSdkModule(value)) return 0;
    try {
      return Number(patchMethod(NAME, value, 'query', wrapQuery));
    } catch (err) {
      // A module namespace (`import * as sdk`, or `require` of the ES module) refuses new values.
      activeHost()?.logger.once(
        'claude-agent-sdk:namespace',
        'warn',
        `the Claude Agent SDK was loaded before agentops could hook its import, and its ES module exports cannot be replaced (${String(err)}): its queries are not recorded. ` +
          'Call init() before importing it (or import it dynamically after init()), start Node with --import agentops/hook, or hand a query over: agentops.instrument(query({ ... }))',
      );
      return 0;
    }
  },
  unpatch(): void {
    unpatchAll(NAME);
  },
};
