/**
 * The loader hook that lets automatic patching see ES modules imported from now on: the
 * import-in-the-middle loader, restricted to the supported libraries' modules, so nothing else is
 * wrapped. `init()` registers it by itself (no command-line flag); `node --import agentops/hook`
 * registers it before the application's first import. Registered once per process: a second
 * registration would wrap the same modules twice. In-thread (`module.registerHooks`) where this
 * Node supports it for import-in-the-middle, else on the loader thread (`module.register`).
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Integration } from './integration';

const REGISTERED = Symbol.for('agentops.import-hook');

type HookMode = 'in-thread' | 'loader-thread' | 'already';

interface SyncHooks {
  supportsSyncHooks(): boolean;
  register(options: { include: Array<string | RegExp> }): void;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Node's own `require`, which loads ES modules synchronously (Node 22.12 and newer) and returns the
 * instance an `import` already loaded. Taken from the built-in module itself, so that a test
 * runner's module system, which may not load ES modules, is not in the way.
 */
export function nodeRequire(): NodeJS.Require {
  const builtin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:module') as typeof import('node:module') | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (builtin ?? (require('node:module') as typeof import('node:module'))).createRequire(__filename);
}

let sync: SyncHooks | null | undefined;

/** import-in-the-middle's in-thread registration (an ES module, loaded synchronously), or null where it cannot be loaded so. */
function syncHooks(): SyncHooks | null {
  if (sync === undefined) {
    try {
      sync = nodeRequire()('import-in-the-middle/register-hooks.mjs') as SyncHooks;
    } catch {
      // A module system that cannot require an ES module (a test runner's): the loader thread it is.
      sync = null;
    }
  }
  return sync;
}

/** What the loader intercepts: each package by its bare name, and the files an integration patches by their URL. */
export function hookIncludes(integrations: readonly Integration[]): Array<string | RegExp> {
  const include: Array<string | RegExp> = [];
  for (const i of integrations) {
    include.push(i.packageName);
    for (const file of i.files ?? []) include.push(new RegExp(`/node_modules/${escape(i.packageName)}/${escape(file)}$`));
  }
  return include;
}

/** Registers the loader hook for these integrations, unless this process has one already. */
export function registerImportHook(integrations: readonly Integration[]): HookMode {
  const g = globalThis as Record<symbol, unknown>;
  if (g[REGISTERED] !== undefined) return 'already';
  const include = hookIncludes(integrations);
  let mode: HookMode;
  if (syncHooks()?.supportsSyncHooks() === true) {
    syncHooks()!.register({ include });
    mode = 'in-thread';
  } else {
    register('import-in-the-middle/hook.mjs', pathToFileURL(__filename), { data: { include } });
    mode = 'loader-thread';
  }
  g[REGISTERED] = mode;
  return mode;
}
