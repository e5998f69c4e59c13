/**
 * The built local-backend package (dist/, as `npm test` builds it first): `@agentops/server` loads
 * with `require` and with `import` as one module instance, with type declarations and the viewer's
 * files beside it; its command runs as `agentops-server` and through the SDK's `agentops` command;
 * package.json and VERSION agree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string; engines: { node: string } };

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, AGENTOPS_LOG_LEVEL: 'silent' } });
}

describe('the built @agentops/server package', () => {
  it('has compiled JavaScript, type declarations and the viewer files', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/index.mjs', 'dist/index.d.mts', 'dist/cli.js', 'dist/web/index.html', 'dist/web/app.js', 'dist/web/app.css', 'dist/write-worker.js']) {
      expect(existsSync(join(root, f))).toBe(true);
    }
    expect(pkg.name).toBe('@agentops/server');
    expect(pkg.license).toBe('Apache-2.0');
    // node:sqlite with DatabaseSync.isOpen: Node 22.15 and later.
    expect(pkg.engines.node).toBe('>=22.15.0');
    expect(pkg.bin).toEqual({ 'agentops-server': 'dist/cli.js' });
  });

  it('loads with require() and import, as one instance, and its errors are the SDK\'s errors', () => {
    const cjs = runNode(['-e', "const s = require('@agentops/server'); const { AgentOpsError } = require('agentops'); console.log(typeof s.startServer, new s.AgentOpsServerError('X', 'y') instanceof AgentOpsError)"]);
    expect(cjs.trim()).toBe('function true');
    const esm = runNode(['--input-type=module', '-e', "import { startServer } from '@agentops/server'; import def from '@agentops/server'; console.log(typeof startServer, def.startServer === startServer);"]);
    expect(esm.trim()).toBe('function true');
  });

  it('runs its command as agentops-server and as the SDK\'s agentops command', () => {
    expect(runNode(['dist/cli.js', '--version']).trim()).toBe(pkg.version);
    expect(runNode([require.resolve('agentops/package.json').replace(/package\.json$/, 'dist/cli.js'), '--version']).trim()).toBe(pkg.version);
  });

  it('keeps VERSION in step with package.json', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { VERSION } = require('../src/version') as { VERSION: string };
    expect(VERSION).toBe(pkg.version);
  });
});
