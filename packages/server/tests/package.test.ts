/**
 * The built local-backend package (dist/, as `npm test` builds it first): `@agentops/server` loads
 * with `require` and with `import` as one module instance, with type declarations and the viewer's
 * files beside it (the dashboard's charting library copied in, with its license); its command runs as `agentops-server` and through the SDK's `agentops` command;
 * package.json and VERSION agree. It is plain JavaScript all the way down: no native addon is
 * loaded while it serves, and nothing in its dependency tree is compiled at install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDb } from './helpers/temp-db';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string; engines: { node: string } };

/** Where Node's resolution finds package `name` from `dir`: the nearest node_modules/name upwards. */
function installed(name: string, dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, AGENTOPS_LOG_LEVEL: 'silent' } });
}

/**
 * Runs the built server in a fresh process (so its main thread and its worker threads load
 * everything anew), stores one span through /v1/traces, runs `then` (JavaScript, after the span
 * is committed), and closes it.
 */
function serveOneSpan(then: string): { status: number | null; stored: number; stdout: string; stderr: string } {
  const db = tempDb();
  try {
    const script = `
      const { startServer } = require('@agentops/server');
      (async () => {
        const server = await startServer({ port: 0, dbPath: process.argv[1], log: () => {} });
        const { token } = await (await fetch(server.url + '/v3/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: server.apiKey }) })).json();
        const span = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'session', kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000' };
        const res = await fetch(server.url + '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }) });
        if (res.status !== 200) throw new Error('POST /v1/traces: HTTP ' + res.status);
        console.log('stored=' + server.countSpans());
        ${then}
        await server.close();
      })();`;
    const r = spawnSync(process.execPath, ['-e', script, db.file], { cwd: root, encoding: 'utf8', env: { ...process.env, AGENTOPS_LOG_LEVEL: 'silent' } });
    const stored = /^stored=(\d+)\n/.exec(r.stdout);
    return { status: r.status, stored: Number(stored?.[1] ?? -1), stdout: r.stdout.slice(stored?.[0].length ?? 0), stderr: r.stderr };
  } finally {
    db.remove();
  }
}

describe('the built @agentops/server package', () => {
  it('has compiled JavaScript, type declarations and the viewer files', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/index.mjs', 'dist/index.d.mts', 'dist/cli.js', 'dist/web/index.html', 'dist/web/app.js', 'dist/web/api-client.js', 'dist/web/view-helpers.js', 'dist/web/session-list.js', 'dist/web/session-page.js', 'dist/web/app.css', 'dist/write-worker.js']) {
      expect(existsSync(join(root, f))).toBe(true);
    }
    expect(pkg.name).toBe('@agentops/server');
    expect(pkg.license).toBe('Apache-2.0');
    // node:sqlite with DatabaseSync.isOpen: Node 22.15 and later.
    expect(pkg.engines.node).toBe('>=22.15.0');
    expect(pkg.bin).toEqual({ 'agentops-server': 'dist/cli.js' });
  });

  it('packs the dashboard with its charting library and that library\'s license, to be served from the package', () => {
    // --ignore-scripts: the build is already done (prepack would build it again).
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/web/dashboard-page.js', 'dist/web/vendor/uplot/uPlot.esm.js', 'dist/web/vendor/uplot/uPlot.min.css', 'dist/web/vendor/uplot/LICENSE']));
    expect(readFileSync(join(root, 'dist/web/vendor/uplot/LICENSE'), 'utf8')).toContain('MIT License');
    const served = serveOneSpan(`
      const lib = await fetch(server.url + '/assets/vendor/uplot/uPlot.esm.js');
      console.log(lib.status, lib.headers.get('content-type'), (await lib.text()).includes('export { uPlot as default }'));`);
    expect(served).toMatchObject({ stderr: '', status: 0, stored: 1, stdout: '200 text/javascript; charset=utf-8 true\n' });
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

  it('loads no native addon while it stores and serves a session, on any of its threads', () => {
    // Node loads an addon (a compiled `.node` file) with dlopen: on Linux every thread's shows in
    // /proc/self/maps; the main thread's is also in require.cache.
    const run = serveOneSpan(`
      const addons = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
      if (process.platform === 'linux') addons.push(...require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/)[5] ?? '').filter((f) => f.endsWith('.node')));
      console.log(JSON.stringify([...new Set(addons)]));`);
    expect(run).toMatchObject({ status: 0, stored: 1 });
    expect(JSON.parse(run.stdout)).toEqual([]);
  });

  it("prints nothing on stderr while its threads load SQLite, and leaves every other warning alone", () => {
    // Node versions that mark node:sqlite experimental warn when a thread first loads it; the
    // server drops exactly that warning, only then. A warning of the application's own, emitted
    // while the server runs, is printed as Node prints it.
    const run = serveOneSpan("process.emitWarning('a warning of the application', 'ExperimentalWarning');");
    expect(run).toMatchObject({ status: 0, stored: 1 });
    expect(run.stderr).toMatch(/^\(node:\d+\) ExperimentalWarning: a warning of the application\n\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n$/);
  });

  it('has nothing in its dependency tree that compiles at install', () => {
    // npm runs node-gyp for a package with a binding.gyp (or `gypfile`), and an addon ships as `.node` files.
    const compiled: string[] = [];
    const seen = new Set<string>();
    const visit = (dir: string): void => {
      const real = realpathSync(dir);
      if (seen.has(real)) return;
      seen.add(real);
      const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as { name: string; gypfile?: boolean; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
      if (manifest.gypfile === true || existsSync(join(real, 'binding.gyp'))) compiled.push(`${manifest.name}: binding.gyp`);
      for (const f of readdirSync(real, { recursive: true, encoding: 'utf8' })) {
        if (f.endsWith('.node') && !f.split(/[\\/]/).includes('node_modules')) compiled.push(`${manifest.name}: ${f}`);
      }
      for (const dep of Object.keys(manifest.dependencies ?? {})) {
        const found = installed(dep, real);
        if (found === undefined) throw new Error(`${manifest.name} depends on ${dep}, which is not installed`);
        visit(found);
      }
      // An optional dependency may be missing on this platform; when it is there, it counts.
      for (const dep of Object.keys(manifest.optionalDependencies ?? {})) {
        const found = installed(dep, real);
        if (found !== undefined) visit(found);
      }
    };
    visit(root);
    expect(seen.size).toBeGreaterThan(3);
    expect(compiled).toEqual([]);
  });

  it('keeps VERSION in step with package.json', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { VERSION } = require('../src/version') as { VERSION: string };
    expect(VERSION).toBe(pkg.version);
  });
});
