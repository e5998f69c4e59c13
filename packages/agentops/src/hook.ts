/**
 * `node --import agentops/hook app.mjs`: lets `init()` patch `openai` and `@anthropic-ai/sdk` when the
 * application imports them as ES modules (a `require` needs no hook). It registers the
 * import-in-the-middle loader for these two packages only, so no other module is touched.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const INCLUDE = ['openai', '@anthropic-ai/sdk'];

register('import-in-the-middle/hook.mjs', pathToFileURL(__filename), { data: { include: INCLUDE } });
