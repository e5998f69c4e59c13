/**
 * Where a supported library lives in the application: its folder and version, the file `require`
 * loads, the file `import` loads (a package with both builds has two module instances, with two
 * sets of classes to patch), and whether the application declares it. Read from package.json files
 * on disk, synchronously, once per `init()`.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

interface PackageJson {
  name?: string;
  version?: string;
  type?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface LocatedPackage {
  readonly name: string;
  readonly dir: string;
  readonly version: string;
  /** What `require(name)` loads, when it resolves. */
  readonly requireEntry: string | undefined;
  /** What `import name` loads when that is another file than `require`'s (a package with an ES module build). */
  readonly importEntry: string | undefined;
}

function readJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The folders the application's modules resolve from: its main script's folder, then the working directory. */
export function appDirs(): string[] {
  const dirs: string[] = [];
  const main = process.argv[1];
  if (typeof main === 'string' && main !== '') dirs.push(path.dirname(path.resolve(main)));
  const cwd = process.cwd();
  if (!dirs.includes(cwd)) dirs.push(cwd);
  return dirs;
}

/** `<dir>/node_modules`, then the same in every parent: where Node looks for a package from `dir`. */
function nodeModulesDirs(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (path.basename(d) !== 'node_modules') out.push(path.join(d, 'node_modules'));
    if (path.dirname(d) === d) return out;
  }
}

export function locatePackage(name: string, from: readonly string[] = appDirs()): LocatedPackage | undefined {
  for (const base of from) {
    for (const nm of nodeModulesDirs(base)) {
      const linked = path.join(nm, name);
      const json = existsSync(path.join(linked, 'package.json')) ? readJson(path.join(linked, 'package.json')) : undefined;
      if (json === undefined) continue;
      // The real folder, as Node resolves the package's files (a linked node_modules, pnpm's layout):
      // the entries found below are compared with it and with the paths of loaded modules.
      const dir = realDir(linked);
      let requireEntry: string | undefined;
      try {
        requireEntry = createRequire(path.join(base, 'noop.js')).resolve(name);
      } catch {
        requireEntry = undefined;
      }
      const esm = importTarget(json.exports);
      const importEntry = esm === undefined ? undefined : path.resolve(dir, esm);
      return { name, dir, version: json.version ?? 'unknown', requireEntry, importEntry: importEntry === requireEntry ? undefined : importEntry };
    }
  }
  return undefined;
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

// The conditions Node's ES module resolver matches for `import` (in its order of preference, the
// object's own key order deciding).
const IMPORT_CONDITIONS = new Set(['node', 'import', 'module-sync', 'default']);

/** The file `import pkg` loads, from package.json `exports` (the `.` entry), or undefined. */
export function importTarget(exports: unknown): string | undefined {
  let target = exports;
  if (target !== null && typeof target === 'object' && !Array.isArray(target) && '.' in target) target = (target as Record<string, unknown>)['.'];
  for (let depth = 0; depth < 8; depth++) {
    if (typeof target === 'string') return target;
    if (Array.isArray(target)) {
      target = target[0];
      continue;
    }
    if (target === null || typeof target !== 'object') return undefined;
    const next = Object.entries(target).find(([k]) => IMPORT_CONDITIONS.has(k));
    if (next === undefined) return undefined;
    target = next[1];
  }
  return undefined;
}

/** Whether Node loads `file` as an ES module: `.mjs`, or `.js` under a package.json of `"type": "module"`. */
export function isEsmFile(file: string, packageDir: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let d = path.dirname(file); d.startsWith(packageDir); d = path.dirname(d)) {
    const json = existsSync(path.join(d, 'package.json')) ? readJson(path.join(d, 'package.json')) : undefined;
    if (json?.type !== undefined) return json.type === 'module';
    if (d === packageDir) break;
  }
  return false;
}

/** Every package the application declares (dependencies of any kind) in the package.json files from its folders up. */
export function declaredPackages(from: readonly string[] = appDirs()): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  for (const base of from) {
    for (let d = path.resolve(base); ; d = path.dirname(d)) {
      const file = path.join(d, 'package.json');
      if (!seen.has(file)) {
        seen.add(file);
        const json = existsSync(file) ? readJson(file) : undefined;
        for (const deps of [json?.dependencies, json?.devDependencies, json?.optionalDependencies, json?.peerDependencies]) {
          for (const n of Object.keys(deps ?? {})) names.add(n);
        }
      }
      if (path.dirname(d) === d) break;
    }
  }
  return names;
}

/** The major of a version string, or undefined. */
export function majorOf(version: string): number | undefined {
  const m = /^v?(\d+)\./.exec(version);
  return m ? Number(m[1]) : undefined;
}
