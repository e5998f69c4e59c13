/**
 * The built package (dist/, as `npm test` builds it first) loads with `require` and with `import`,
 * as one module instance, with type declarations; the local backend is its own entry point
 * (`agentops/server`) with the viewer's files and the `agentops` command beside it; package.json
 * and VERSION agree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string; engines: { node: string } };

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, AGENTOPS_LOG_LEVEL: 'silent' } });
}

describe('the built package', () => {
  it('has compiled JavaScript and type declarations', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/index.mjs', 'dist/index.d.mts']) expect(existsSync(join(root, f))).toBe(true);
    expect(pkg.name).toBe('agentops');
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.bin).toEqual({ agentops: 'dist/cli.js' });
  });

  it('loads with require()', () => {
    const out = runNode(['-e', "const a = require('agentops'); const s = a.init({ autoStartSession: false, logLevel: 'silent' }).startSession(); console.log(typeof a.init, typeof a.LLMEvent, s.traceId === s.id.replace(/-/g, ''), a.VERSION); a.shutdown(100);"]);
    expect(out.trim()).toBe(`function function true ${pkg.version}`);
  });

  it('loads with import, sharing one instance with require', () => {
    const code = [
      "import * as a from 'agentops';",
      "import def from 'agentops';",
      "import { createRequire } from 'node:module';",
      'const req = createRequire(import.meta.url);',
      "const c = a.init({ autoStartSession: false, logLevel: 'silent' });",
      "console.log(typeof a.startSession, def.init === a.init, req('agentops').getClient() === c);",
      'await a.shutdown(100);',
    ].join('\n');
    const out = runNode(['--input-type=module', '-e', code]);
    expect(out.trim()).toBe('function true true');
  });

  it('exposes the local backend as agentops/server, to require() and import, without loading it from agentops', () => {
    const cjs = runNode(['-e', "const s = require('agentops/server'); const core = require('agentops'); console.log(typeof s.startServer, typeof s.AgentOpsServerError, 'startServer' in core, Object.keys(require.cache).some((k) => k.includes('better-sqlite3')))"]);
    expect(cjs.trim()).toBe('function function false true');
    const core = runNode(['-e', "require('agentops'); console.log(Object.keys(require.cache).some((k) => k.includes('better-sqlite3')))"]);
    expect(core.trim()).toBe('false');
    const esm = runNode(['--input-type=module', '-e', "import { startServer } from 'agentops/server'; import def from 'agentops/server'; console.log(typeof startServer, def.startServer === startServer);"]);
    expect(esm.trim()).toBe('function true');
    for (const f of ['dist/cli.js', 'dist/server/index.d.ts', 'dist/server/index.mjs', 'dist/server/web/index.html', 'dist/server/web/app.js', 'dist/server/web/app.css']) expect(existsSync(join(root, f))).toBe(true);
    expect(runNode(['dist/cli.js', '--version']).trim()).toBe(pkg.version);
  });

  it('keeps VERSION in step with package.json', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { VERSION } = require('../src/version') as { VERSION: string };
    expect(VERSION).toBe(pkg.version);
  });
});
