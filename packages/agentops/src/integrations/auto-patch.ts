/**
 * Automatic patching of every supported library (`registry.ts`), with `@opentelemetry/instrumentation`:
 * modules loaded with `require` after `init()` are patched as they load (require-in-the-middle),
 * and ones already in the require cache are patched at `init()`. ES modules are only visible to a
 * loader hook registered before they are imported: `node --import agentops/hook app.mjs` registers
 * import-in-the-middle for these packages, and then they are patched like the others.
 * Bundled code is invisible to both: pass the classes to `init({ instrument })` there.
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { VERSION } from '../version';
import type { Integration } from './integration';
import { INTEGRATIONS } from './registry';

/** Patches a module's exports when they are one of the integration's targets. Never throws into the user's require. */
function patchModule(integration: Integration, exports: unknown): void {
  try {
    const kind = integration.recognise(exports);
    if (kind !== undefined) integration.patch(exports, kind);
  } catch {
    // A failed patch must never break the user's require.
  }
}

/** The entry file of a package in the require cache: `.../node_modules/@anthropic-ai/sdk/index.js`. */
function entryFilePattern(packageName: string): RegExp {
  const dir = packageName.split('/').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\\\/]');
  return new RegExp(`[\\\\/]node_modules[\\\\/]${dir}[\\\\/]index\\.js$`);
}

class LibraryInstrumentation extends InstrumentationBase {
  constructor() {
    super('agentops-integrations', VERSION, { enabled: false });
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    // Any version: each integration recognises its library by shape and leaves anything else alone.
    return INTEGRATIONS.map(
      (integration) =>
        new InstrumentationNodeModuleDefinition(
          integration.packageName,
          ['*'],
          (exports: unknown) => {
            patchModule(integration, exports);
            return exports;
          },
          // Unpatching is done by each integration's unpatch() at shutdown.
          () => undefined,
        ),
    );
  }
}

// One instance per process: its require / import hooks cannot be removed, only disabled.
let instance: LibraryInstrumentation | undefined;

export function enableAutoPatching(): void {
  instance ??= new LibraryInstrumentation();
  instance.enable();
  patchAlreadyRequired();
}

export function disableAutoPatching(): void {
  instance?.disable();
}

/** Modules required before `init()` are not seen by the require hook: find them in the cache. */
function patchAlreadyRequired(): void {
  const cache = typeof require === 'function' ? require.cache : undefined;
  if (cache === undefined || cache === null) return;
  const patterns = INTEGRATIONS.map((integration) => [integration, entryFilePattern(integration.packageName)] as const);
  for (const file of Object.keys(cache)) {
    for (const [integration, pattern] of patterns) {
      if (!pattern.test(file)) continue;
      const mod = cache[file];
      if (mod?.loaded === true) patchModule(integration, mod.exports);
    }
  }
}
