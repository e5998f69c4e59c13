/**
 * Automatic patching of `openai` and `@anthropic-ai/sdk`, with `@opentelemetry/instrumentation`:
 * modules loaded with `require` after `init()` are patched as they load (require-in-the-middle),
 * and ones already in the require cache are patched at `init()`. ES modules are only visible to a
 * loader hook registered before they are imported: `node --import agentops/hook app.mjs` registers
 * import-in-the-middle for these two packages, and then they are patched like the others.
 * Bundled code is invisible to both: pass the classes to `init({ instrument })` there.
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { VERSION } from '../version';
import { anthropicClass, patchAnthropicClass } from './anthropic';
import { openAIClass, patchOpenAIClass } from './openai';

const MODULES: ReadonlyArray<readonly [string, RegExp, (exports: unknown) => void]> = [
  ['openai', /[\\/]node_modules[\\/]openai[\\/]index\.js$/, patchOpenAIModule],
  ['@anthropic-ai/sdk', /[\\/]node_modules[\\/]@anthropic-ai[\\/]sdk[\\/]index\.js$/, patchAnthropicModule],
];

function patchOpenAIModule(exports: unknown): void {
  const cls = openAIClass(exports);
  if (cls !== undefined) patchOpenAIClass(cls);
}

function patchAnthropicModule(exports: unknown): void {
  const cls = anthropicClass(exports);
  if (cls !== undefined) patchAnthropicClass(cls);
}

class LLMClientInstrumentation extends InstrumentationBase {
  constructor() {
    super('agentops-llm-clients', VERSION, { enabled: false });
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    // Any version: the patch recognises the client by its shape and leaves anything else alone.
    return MODULES.map(
      ([name, , patch]) =>
        new InstrumentationNodeModuleDefinition(
          name,
          ['*'],
          (exports: unknown) => {
            try {
              patch(exports);
            } catch {
              // Never let a failed patch break the user's require.
            }
            return exports;
          },
          // Unpatching is done once for every patch by unpatchAll() at shutdown.
          () => undefined,
        ),
    );
  }
}

// One instance per process: its require / import hooks cannot be removed, only disabled.
let instance: LLMClientInstrumentation | undefined;

export function enableAutoInstrumentation(): void {
  instance ??= new LLMClientInstrumentation();
  instance.enable();
  patchAlreadyRequired();
}

export function disableAutoInstrumentation(): void {
  instance?.disable();
}

/** Modules required before `init()` are not seen by the require hook: find them in the cache. */
function patchAlreadyRequired(): void {
  const cache = typeof require === 'function' ? require.cache : undefined;
  if (cache === undefined || cache === null) return;
  for (const file of Object.keys(cache)) {
    for (const [, pattern, patch] of MODULES) {
      if (!pattern.test(file)) continue;
      const mod = cache[file];
      if (mod?.loaded === true) {
        try {
          patch(mod.exports);
        } catch {
          /* see init() */
        }
      }
    }
  }
}
