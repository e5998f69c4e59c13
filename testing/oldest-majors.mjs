// Loaded with `node --import ./testing/oldest-majors.mjs`: an application's own imports of the
// supported libraries (by `import` or `require`) resolve to the oldest majors agentops is tested
// with, installed side by side in the repository under aliases (the root package.json; the names
// are in oldest-majors.json), so that an example or the demo runs on them unchanged. Imports made
// from inside node_modules are left alone. Each redirection is appended to the file named by
// AGENTOPS_TEST_MAJORS_LOG, when set, so that a test knows which majors ran.
import { appendFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';

const OLDEST = createRequire(import.meta.url)('./oldest-majors.json');

const log = process.env.AGENTOPS_TEST_MAJORS_LOG;
const logged = new Set();

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (context.parentURL === undefined || !context.parentURL.includes('/node_modules/')) {
      for (const [name, alias] of Object.entries(OLDEST)) {
        if (specifier !== name && !specifier.startsWith(`${name}/`)) continue;
        if (log !== undefined && !logged.has(name)) {
          logged.add(name);
          appendFileSync(log, `${name} ${alias}\n`);
        }
        return nextResolve(alias + specifier.slice(name.length), context);
      }
    }
    return nextResolve(specifier, context);
  },
});
