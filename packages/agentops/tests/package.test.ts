/**
 * The built SDK package (dist/, as `npm test` builds it first) loads with `require` and with
 * `import`, as one module instance, with type declarations; it never loads the local backend; its
 * `agentops` command hands over to `@agentops/server` when that is installed; package.json and
 * VERSION agree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string; engines: { node: string } };

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, AGENTOPS_LOG_LEVEL: 'silent' } });
}

describe('the built SDK package', () => {
  it('has compiled JavaScript and type declarations', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/index.mjs', 'dist/index.d.mts', 'dist/hook.js', 'dist/semconv.js', 'dist/semconv.d.ts', 'dist/cli.js']) expect(existsSync(join(root, f))).toBe(true);
    expect(pkg.name).toBe('agentops');
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.engines.node).toBe('>=22.15.0');
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

  it('exposes the attribute names it writes as agentops/semconv, to require() and import', () => {
    expect(runNode(['-e', "console.log(require('agentops/semconv').GEN_AI_USAGE_INPUT_TOKENS)"]).trim()).toBe('gen_ai.usage.input_tokens');
    expect(runNode(['--input-type=module', '-e', "import { SESSION_ID } from 'agentops/semconv'; console.log(SESSION_ID)"]).trim()).toBe('session.id');
  });

  it('never loads the local backend, a database driver or a command-line parser', () => {
    // The backend's driver is Node's built-in node:sqlite, which require.cache never lists: Node's
    // own list of the built-in modules it has loaded does. A package is matched by its name under
    // node_modules, not by any path that happens to contain "sqlite".
    const out = runNode(['-e', "require('agentops'); console.log([...Object.keys(require.cache).filter((k) => /@agentops[\\\\/]server|packages[\\\\/]server|node_modules[\\\\/][^\\\\/]*sqlite|commander|protobufjs/.test(k)), ...process.moduleLoadList.filter((m) => /sqlite/.test(m))].length)"]);
    expect(out.trim()).toBe('0');
  });

  it('keeps VERSION in step with package.json', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { VERSION } = require('../src/version') as { VERSION: string };
    expect(VERSION).toBe(pkg.version);
  });
});
