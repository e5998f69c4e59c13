/**
 * Acceptance (issue: two packages on Node 22): the packed SDK installed as a new user would, into
 * empty apps outside the repository, from the npm registry. Alone it runs no install script, has
 * no native addon, stays within 3x the packages and 2x the bytes of the raw OpenTelemetry install
 * measured in the same run (bench/install-size.mjs), loads with require and import, and its
 * `agentops` command names the package to install for the local backend; next to
 * @agentops/server, `npx agentops serve` starts it; next to the current OpenTelemetry packages,
 * each OpenTelemetry package is installed once. The tarballs are packed from the built workspace
 * (`npm test` builds first).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SDK_ENV_CLEAR } from '../../../testing/env';

const run = promisify(execFile);
const repo = path.join(__dirname, '..', '..', '..');
const bench = path.join(repo, 'bench', 'install-size.mjs');

interface InstallFigures {
  packages: number;
  bytes: number;
  installScripts: string[];
  native: string[];
}

interface Measured {
  sdk: InstallFigures;
  raw: InstallFigures & { specs: string[] };
  ratio: { packages: number; bytes: number };
}

const env = (): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, ...SDK_ENV_CLEAR, AGENTOPS_LOG_LEVEL: 'warn' };
  // npm run from inside the workspace sets these; an app of its own must not inherit them.
  for (const k of Object.keys(e)) if (k.startsWith('npm_')) delete e[k];
  return e;
};

function npm(cwd: string, args: string[]): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
}

function node(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, args, { cwd, env: { ...env(), ...extraEnv }, timeout: 30_000 });
}

describe('installing the packed packages into new apps', () => {
  let work: string;
  let tarballs: string;
  let measured: Measured;
  const app = (name: string): string => path.join(work, name);
  const tarball = (which: 'sdk' | 'server'): string => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `import { tarball } from ${JSON.stringify(bench)}; console.log(tarball(process.argv[1], process.argv[2]))`, tarballs, which], { encoding: 'utf8' });
    return out.trim();
  };

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'agentops-install-test-'));
    tarballs = path.join(work, 'tarballs');
    mkdirSync(tarballs);
    for (const pkg of ['agentops', 'server']) npm(path.join(repo, 'packages', pkg), ['pack', '--silent', '--ignore-scripts', '--pack-destination', tarballs]);
    const out = execFileSync(process.execPath, [bench, '--json', '--tarballs', tarballs, '--keep', work], { encoding: 'utf8', env: env() });
    measured = JSON.parse(out) as Measured;
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the SDK alone: no install script, no native addon, within 3x the packages and 2x the bytes of raw OpenTelemetry', () => {
    expect(measured.sdk.installScripts).toEqual([]);
    expect(measured.sdk.native).toEqual([]);
    expect(measured.raw.packages).toBeGreaterThan(0);
    expect(measured.sdk.packages).toBeLessThanOrEqual(3 * measured.raw.packages);
    expect(measured.sdk.bytes).toBeLessThanOrEqual(2 * measured.raw.bytes);
    // The tarball carries its compiled code.
    const files = execFileSync('tar', ['-tzf', tarball('sdk')], { encoding: 'utf8' }).split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.mjs', 'package/dist/index.d.ts', 'package/dist/cli.js', 'package/dist/hook.js', 'package/README.md', 'package/LICENSE', 'package/docs/configuration.md']));
  });

  it('the SDK alone loads with require() and with import, and records a session', async () => {
    const cjs = await node(app('sdk'), ['-e', "const a = require('agentops'); a.init({ autoStartSession: false, logLevel: 'silent' }); const s = a.startSession(); s.end('Success'); a.shutdown(500).then(() => console.log(typeof a.LLMEvent, s.traceId === s.id.replace(/-/g, '')))"]);
    expect(cjs.stdout.trim()).toBe('function true');
    const esm = await node(app('sdk'), ['--input-type=module', '-e', "import * as a from 'agentops'; import { SESSION_ID } from 'agentops/semconv'; a.init({ autoStartSession: false, logLevel: 'silent' }); await a.shutdown(500); console.log(typeof a.startSession, SESSION_ID)"]);
    expect(esm.stdout.trim()).toBe('function session.id');
  });

  it('the SDK alone: `npx agentops serve` prints one line naming the package to install, and exits non-zero', async () => {
    const r = await run('npx', ['--no-install', 'agentops', 'serve'], { cwd: app('sdk'), env: env() }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code, stderr: err.stderr ?? '' }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['agentops: the local backend and its commands are in a separate package; install it with: npm install --save-dev @agentops/server']);
  });

  it('the SDK alone: OTLP over gRPC names the optional package @grpc/grpc-js, counts what it could not send, and never throws into the app', async () => {
    const code = [
      "const a = require('agentops');",
      'let thrown = "";',
      "try { a.init({ destinations: [{ url: 'http://127.0.0.1:4317', protocol: 'grpc' }], logLevel: 'silent' }); } catch (e) { thrown = e.name + ': ' + e.message; }",
      "const client = a.init({ autoStartSession: false });",
      "const s = a.startSession({ name: 'grpc' }); s.end('Success');",
      'a.shutdown(2000).then(() => console.log(JSON.stringify({ thrown, dropped: client.stats().destinations.collector.spansDropped })));',
    ].join('\n');
    const r = await node(app('sdk'), ['-e', code], { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_METRICS_EXPORTER: 'none' });
    const out = JSON.parse(r.stdout) as { thrown: string; dropped: Record<string, number> };
    expect(out.thrown).toMatch(/^AgentOpsConfigError: .*destinations\[0\]\.protocol.*npm install @grpc\/grpc-js/);
    expect(out.dropped.non_retryable).toBe(1);
    // Said once when the destination is set up, then in the report of what it dropped.
    expect(r.stderr.match(/needs the optional package @grpc\/grpc-js; install it: npm install @grpc\/grpc-js; until then the collector's traces are dropped and counted/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/destination collector dropped spans \(1 non_retryable\)/);
  });

  it('with @agentops/server beside it, `npx agentops serve` starts the local backend', async () => {
    const both = app('both');
    mkdirSync(both);
    npm(both, ['init', '-y']);
    npm(both, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball('sdk'), tarball('server')]);
    // Its own process group: npx does not pass a signal on to the command it runs, so Ctrl-C is sent
    // to the group, as a terminal does.
    const child = spawn('npx', ['--no-install', 'agentops', 'serve', '--port', '0', '--db', path.join(both, 'agentops.db')], { cwd: both, env: env(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes('Press Ctrl-C to stop.')) resolve();
      });
      void exited.then((c) => reject(new Error(`serve exited with ${String(c)} before its banner: ${stderr}`)));
    });
    const url = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
    const health = await fetch(`${url}/healthz`).then((r) => r.status, () => 0);
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    // npx itself ends by the signal; the server it ran must have stopped too: its port is closed.
    let closed = false;
    for (let i = 0; i < 50 && !closed; i++) {
      closed = await fetch(`${url}/healthz`).then(() => false, () => true);
      if (!closed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(closed).toBe(true);
    expect(stdout).toMatch(/^agentops local backend \d+\.\d+\.\d+ listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(health).toBe(200);
    const lock = JSON.parse(readFileSync(path.join(both, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    // The server's own dependency on the SDK is the SDK the app installed: one copy.
    expect(Object.keys(lock.packages).filter((k) => k.endsWith('node_modules/agentops'))).toEqual(['node_modules/agentops']);
  });

  it('next to the current OpenTelemetry packages, each OpenTelemetry package is installed once', () => {
    const withOtel = app('with-otel');
    mkdirSync(withOtel);
    npm(withOtel, ['init', '-y']);
    const current = [...measured.raw.specs, '@opentelemetry/sdk-metrics', '@opentelemetry/resources', '@opentelemetry/core', '@opentelemetry/instrumentation', '@opentelemetry/semantic-conventions'];
    npm(withOtel, ['install', '--no-audit', '--no-fund', '--prefer-offline', ...current]);
    npm(withOtel, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball('sdk')]);
    const lock = JSON.parse(readFileSync(path.join(withOtel, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const copies = new Map<string, string[]>();
    for (const [k, v] of Object.entries(lock.packages)) {
      const m = /node_modules\/(@opentelemetry\/[^/]+)$/.exec(k);
      if (m) copies.set(m[1]!, [...(copies.get(m[1]!) ?? []), v.version]);
    }
    expect(copies.size).toBeGreaterThanOrEqual(10);
    expect([...copies].filter(([, versions]) => versions.length > 1)).toEqual([]);
    // `npm ls` agrees: nothing missing, invalid or extraneous.
    expect(() => npm(withOtel, ['ls', '--all'])).not.toThrow();
  });
});
