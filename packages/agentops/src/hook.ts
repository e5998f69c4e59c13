/**
 * `node --import agentops/hook app.mjs`: lets `init()` patch `openai` and `@anthropic-ai/sdk` when the
 * application imports them as ES modules (a `require` needs no hook). It registers the
 * import-in-the-middle loader for these two packages only, so no other module is touched.
 * Needs Node.js 20.6 or newer (`module.register`).
 */
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';

const INCLUDE = ['openai', '@anthropic-ai/sdk'];

const register = (nodeModule as { register?: (specifier: string, parentURL: string | URL, options?: { data?: unknown }) => void }).register;
if (typeof register === 'function') {
  register('import-in-the-middle/hook.mjs', pathToFileURL(__filename), { data: { include: INCLUDE } });
} else {
  process.emitWarning('agentops/hook needs Node.js 20.6 or newer (module.register); ES modules of openai and @anthropic-ai/sdk will not be patched automatically. Pass them to init({ instrument }) instead.');
}
