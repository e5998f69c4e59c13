// What installing the SDK costs a new app, against the leanest raw OpenTelemetry install that sends
// traces over OTLP, measured in the same run: packs both workspace packages, installs the SDK alone
// into one empty app and the raw OpenTelemetry packages into another, and reports packages, bytes
// on disk, install scripts and native addons of each, and the ratios.
//
//   node bench/install-size.mjs [--json] [--keep DIR] [--tarballs DIR]
//
// --tarballs DIR: use the tarballs already in DIR (agentops-*.tgz) instead of packing (`npm pack`
// builds first). --keep DIR: build the apps in DIR and leave them there (DIR/sdk, DIR/raw).
// The npm registry is needed; the npm cache makes repeated runs quick.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const json = args.includes('--json');

/** The raw OpenTelemetry install of the current line: a provider, Node's context manager, the OTLP/protobuf trace exporter. */
export const RAW_OTEL = ['@opentelemetry/api', '@opentelemetry/sdk-trace', '@opentelemetry/context-async-hooks', '@opentelemetry/exporter-trace-otlp-proto'];

const npm = (cwd, argv) => execFileSync('npm', argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export function pack() {
  const out = mkdtempSync(path.join(tmpdir(), 'agentops-pack-'));
  for (const pkg of ['agentops', 'server']) npm(path.join(root, 'packages', pkg), ['pack', '--silent', '--pack-destination', out]);
  return out;
}

/** The SDK's tarball (`agentops-0.1.0.tgz`) or the server's (`agentops-server-0.1.0.tgz`) in dir. */
export function tarball(dir, which) {
  const pattern = which === 'server' ? /^agentops-server-\d.*\.tgz$/ : /^agentops-\d.*\.tgz$/;
  const name = readdirSync(dir).find((f) => pattern.test(f));
  if (name === undefined) throw new Error(`no ${which} tarball in ${dir}`);
  return path.join(dir, name);
}

/** Bytes of every file under dir (apparent size, symlinks not followed). */
function bytesUnder(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(p);
    else total += lstatSync(p).size;
  }
  return total;
}

/** Files that make an install native: compiled addons and node-gyp build files. */
function nativeFiles(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) nativeFiles(p, found);
    else if (entry.name.endsWith('.node') || entry.name === 'binding.gyp') found.push(path.relative(dir, p));
  }
  return found;
}

/** Installs `specs` into a new empty app in `dir` and measures what landed. */
export function installApp(dir, specs) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), version: '1.0.0', private: true }, null, 2));
  const started = Date.now();
  npm(dir, ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs]);
  const seconds = (Date.now() - started) / 1000;
  const lock = JSON.parse(readFileSync(path.join(dir, 'node_modules', '.package-lock.json'), 'utf8'));
  const entries = Object.entries(lock.packages).filter(([k]) => k.startsWith('node_modules/'));
  const modules = path.join(dir, 'node_modules');
  return {
    dir,
    packages: entries.length,
    bytes: bytesUnder(modules),
    installScripts: entries.filter(([, v]) => v.hasInstallScript === true).map(([k]) => k.slice('node_modules/'.length)),
    native: nativeFiles(modules),
    seconds,
  };
}

export function measure({ keep, tarballs } = {}) {
  const tgzDir = tarballs ?? pack();
  const base = keep ?? mkdtempSync(path.join(tmpdir(), 'agentops-install-'));
  const sdk = installApp(path.join(base, 'sdk'), [tarball(tgzDir, 'sdk')]);
  const raw = installApp(path.join(base, 'raw'), RAW_OTEL);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    npm: npm(root, ['--version']).trim(),
    sdk: { ...sdk, dir: undefined },
    raw: { ...raw, dir: undefined, specs: RAW_OTEL },
    ratio: { packages: sdk.packages / raw.packages, bytes: sdk.bytes / raw.bytes },
  };
  if (keep === undefined) rmSync(base, { recursive: true, force: true });
  if (tarballs === undefined) rmSync(tgzDir, { recursive: true, force: true });
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const keep = flag('--keep');
  const tarballs = flag('--tarballs');
  if (tarballs !== undefined && !existsSync(tarballs)) throw new Error(`--tarballs ${tarballs}: no such folder`);
  const r = measure({ keep, tarballs });
  if (json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    const mb = (b) => (b / 1e6).toFixed(1);
    console.log(`install size, ${r.date}, node ${r.node}, npm ${r.npm}`);
    console.log(`  agentops alone:   ${r.sdk.packages} packages, ${mb(r.sdk.bytes)} MB, install scripts: ${r.sdk.installScripts.length}, native files: ${r.sdk.native.length} (${r.sdk.seconds.toFixed(1)} s)`);
    console.log(`  raw OpenTelemetry (${RAW_OTEL.join(' ')}): ${r.raw.packages} packages, ${mb(r.raw.bytes)} MB, install scripts: ${r.raw.installScripts.length} (${r.raw.seconds.toFixed(1)} s)`);
    console.log(`  ratio: ${r.ratio.packages.toFixed(2)}x the packages, ${r.ratio.bytes.toFixed(2)}x the bytes (targets: at most 3x and 2x)`);
  }
}
