/**
 * `node --import agentops/hook app.mjs`: registers, before the application's first import, the
 * loader hook through which `init()` patches the supported libraries imported as ES modules.
 * `init()` registers it by itself when it was not; this flag is only needed for a library whose
 * ES module the application imports before `init()` without declaring it in its package.json (a
 * dependency of a dependency), which `init()` cannot reach otherwise.
 */
import { registerImportHook } from './integrations/import-hook';
import { INTEGRATIONS } from './integrations/registry';

registerImportHook(INTEGRATIONS);
