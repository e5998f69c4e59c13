/**
 * Automatic patching of every supported library (`registry.ts`), with no command-line flag:
 * - modules loaded with `require` after `init()` are patched as they load (require-in-the-middle);
 * - ES modules imported after `init()` are patched as they load, through the loader hook `init()`
 *   registers (import-in-the-middle; import-hook.ts);
 * - modules loaded before `init()` are found and patched at `init()`: CommonJS ones in the require
 *   cache, ES module ones by reaching their instance synchronously (`require` of an ES module
 *   returns the instance already loaded, Node 22.12 and newer). Node has no list of loaded ES
 *   modules, so in an application whose entry point is an ES module this is done for the supported
 *   libraries the application declares in its package.json; reaching one loads it if it was not yet;
 * - a package that records nothing until an integration registers with it (`whenInstalled`: the AI
 *   SDK 7's `@ai-sdk/otel`, which an application using agentops need not import) is handed a way to
 *   load it at `init()` when it is installed, and loads it when first needed.
 * Bundled code is invisible to all of these: pass the classes to `init({ instrument })` there.
 * A library loaded at a version outside the tested majors, or whose exports are not recognised, is
 * reported once by name and version.
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Hook as RequireHook } from 'require-in-the-middle';
import { VERSION } from '../version';
import { activeHost } from './host';
import { nodeRequire, registerImportHook } from './import-hook';
import type { Integration } from './integration';
import { declaredPackages, isEsmFile, locatePackage, majorOf, type LocatedPackage } from './locate';
import { INTEGRATIONS } from './registry';

type LoadedHow = 'require' | 'import' | 'require cache' | 'ES module instance' | 'installed, loaded when first needed';

/** Patches what a loaded module exports, reporting once what cannot be recorded. Never throws into the user's require or import. */
function onLoaded(integration: Integration, exports: unknown, version: string | undefined, how: LoadedHow, file?: string): void {
  const logger = activeHost()?.logger;
  const v = version ?? 'unknown';
  try {
    const major = version === undefined ? undefined : majorOf(version);
    const [oldest, newest] = integration.testedMajors;
    if (major !== undefined && (major < oldest || major > newest)) {
      logger?.once(
        `integration-version:${integration.packageName}@${v}`,
        'warn',
        `${integration.packageName} ${v} is outside the versions agentops is tested with (${oldest} to ${newest}): it is patched, but some of its calls may not be recorded`,
      );
    }
    const kind = integration.recognise(exports);
    if (kind === undefined) {
      logger?.once(
        `integration-unrecognised:${integration.packageName}@${v}:${file ?? 'main'}`,
        'warn',
        `${integration.packageName} ${v} is loaded, but agentops does not recognise what ${file ?? 'it'} exports: its calls are not recorded. Pass its class with init({ instrument: { ${integration.name}: ... } })`,
      );
      return;
    }
    const n = integration.patch(exports, kind);
    if (n > 0) logger?.debug(`patched ${integration.packageName} ${v} (${how}${file === undefined ? '' : `, ${file}`})`);
  } catch (err) {
    logger?.once(`integration-failed:${integration.packageName}@${v}`, 'warn', `${integration.packageName} ${v} could not be patched; its calls are not recorded: ${String(err)}`);
  }
}

/** A module `require` loaded: patched, or replaced by what the integration hands out instead (`requireExports`). */
function requireLoaded(integration: Integration, exports: unknown, version: string | undefined, file?: string): unknown {
  let out = exports;
  try {
    out = integration.requireExports?.(exports) ?? exports;
  } catch {
    out = exports;
  }
  onLoaded(integration, out, version, 'require', file);
  return out;
}

class LibraryInstrumentation extends InstrumentationBase {
  constructor() {
    super('agentops-integrations', VERSION, { enabled: false });
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    // Any version: each integration recognises its library by shape, and reports what it does not know.
    return INTEGRATIONS.map((integration) => {
      const files = (integration.files ?? []).map(
        (file) =>
          new InstrumentationNodeModuleFile(
            `${integration.packageName}/${file}`,
            ['*'],
            (exports: unknown, version?: string) => requireLoaded(integration, exports, version, file),
            () => undefined,
          ),
      );
      const main =
        integration.files === undefined || integration.patchMain !== false
          ? (exports: unknown, version?: string) => requireLoaded(integration, exports, version)
          : undefined;
      // Unpatching is done by each integration's unpatch() at shutdown.
      return new InstrumentationNodeModuleDefinition(integration.packageName, ['*'], main, () => undefined, files);
    });
  }
}

// One instance per process: its require / import hooks cannot be removed, only disabled.
let instance: LibraryInstrumentation | undefined;
let fileHook: RequireHook | undefined;

/** How require-in-the-middle names a file inside a package: `pkg/dir/file`, without `.js` or `/index.js`. */
function requireName(packageName: string, file: string): string {
  return `${packageName}/${file}`.replace(/(\/index)?(\.js)?$/, '');
}

/**
 * `require` of the files an integration lists (`files`), loaded after `init()`. The module
 * definitions above see a package's inner files only when the package's main entry resolves
 * (require-in-the-middle resolves it to tell the main file from the others), and some packages
 * have none that does: `@modelcontextprotocol/sdk` exports subpaths only (or a `.` that names a
 * file it does not ship). Named in a list, the files are matched by their path in the package.
 */
function requireFileHook(): RequireHook | undefined {
  const byName = new Map<string, [Integration, string]>();
  for (const integration of INTEGRATIONS) for (const file of integration.files ?? []) byName.set(requireName(integration.packageName, file), [integration, file]);
  if (byName.size === 0) return undefined;
  return new RequireHook([...byName.keys()], { internals: true }, (exports, name, basedir) => {
    const found = byName.get(name.split(path.sep).join('/'));
    if (found !== undefined) onLoaded(found[0], exports, basedir === undefined ? undefined : versionIn(basedir), 'require', found[1]);
    return exports;
  });
}

export function enableAutoPatching(): void {
  const logger = activeHost()?.logger;
  try {
    const mode = registerImportHook(INTEGRATIONS);
    if (mode !== 'already') logger?.debug(`registered the ES module loader hook (${mode})`);
  } catch (err) {
    // Worth a warning where the application is an ES module; an application started as CommonJS
    // (or a test runner's module system, which refuses loader hooks) rarely imports one later.
    const level = require.main === undefined ? 'warn' : 'debug';
    logger?.once('import-hook', level, `ES modules imported from now on cannot be patched automatically (${String(err)}); pass the classes with init({ instrument }) or start Node with --import agentops/hook`);
  }
  instance ??= new LibraryInstrumentation();
  instance.enable();
  fileHook ??= requireFileHook();
  patchAlreadyLoaded();
}

export function disableAutoPatching(): void {
  instance?.disable();
  fileHook?.unhook();
  fileHook = undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function versionIn(dir: string): string | undefined {
  try {
    const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof json.version === 'string' ? json.version : undefined;
  } catch {
    return undefined;
  }
}

/** Libraries loaded before `init()`: every copy in the require cache, and the application's ES module instances. */
function patchAlreadyLoaded(): void {
  const cache = typeof require === 'function' ? require.cache : undefined;
  const esmApp = require.main === undefined;
  const declared = esmApp ? declaredPackages() : undefined;
  for (const integration of INTEGRATIONS) {
    const located = locatePackage(integration.packageName);
    const patchMain = integration.files === undefined || integration.patchMain !== false;
    // Files of the package that `require` loads: its main entry (as resolved from the app), and the listed files.
    const cjsFiles = new Map<string, string | undefined>();
    if (patchMain) cjsFiles.set(located?.requireEntry === undefined ? 'index.js' : path.relative(located.dir, located.requireEntry).split(path.sep).join('/'), undefined);
    for (const f of integration.files ?? []) cjsFiles.set(f, f);
    if (cache !== undefined && cache !== null) {
      const pkg = escape(integration.packageName).replace(/\//g, '[\\\\/]');
      for (const [rel, label] of cjsFiles) {
        const pattern = new RegExp(`^(.*[\\\\/]node_modules[\\\\/]${pkg})[\\\\/]${rel.split('/').map(escape).join('[\\\\/]')}$`);
        for (const file of Object.keys(cache)) {
          const m = pattern.exec(file);
          const mod = cache[file];
          if (m === null || mod?.loaded !== true) continue;
          onLoaded(integration, mod.exports, versionIn(m[1]!), 'require cache', label);
        }
      }
    }
    if (integration.whenInstalled !== undefined) {
      prepareInstalled(integration, located);
      continue;
    }
    if (declared === undefined || located === undefined || !declared.has(integration.packageName)) continue;
    const esmFiles: Array<[string, string | undefined]> = [];
    if (patchMain && located.importEntry !== undefined) esmFiles.push([located.importEntry, undefined]);
    for (const f of integration.files ?? []) {
      const file = path.join(located.dir, f);
      if (isEsmFile(file, located.dir) && existsSync(file)) esmFiles.push([file, f]);
    }
    for (const [file, label] of esmFiles) {
      let ns: unknown;
      try {
        // Node's own require, which returns the ES module instance already loaded (or loads it).
        ns = nodeRequire()(file);
      } catch (err) {
        activeHost()?.logger.once(`integration-esm:${integration.packageName}`, 'warn', `the ES module build of ${integration.packageName} ${located.version} could not be reached, so its calls are not recorded: ${String(err)}. Start Node with --import agentops/hook`);
        continue;
      }
      onLoaded(integration, ns, located.version, 'ES module instance', label);
    }
  }
}

/**
 * Hands an integration that records through an installed package (`whenInstalled`) the way to load
 * it; reports once a library that needs the package when it is missing.
 */
function prepareInstalled(integration: Integration, located: LocatedPackage | undefined): void {
  // A test runner's module sandbox (Jest's) runs this code in another realm than Node's own modules:
  // what Node's require loads there is another copy than the one the code under test imports.
  if (!inNodeMainRealm()) return;
  if (located !== undefined) {
    integration.whenInstalled!(() => loadInstalled(integration, located));
    return;
  }
  const needs = integration.recordsFor;
  const library = needs === undefined ? undefined : locatePackage(needs.packageName);
  const major = library === undefined ? undefined : majorOf(library.version);
  if (needs !== undefined && library !== undefined && major !== undefined && major >= needs.fromMajor) {
    activeHost()?.logger.once(
      `integration-needs:${integration.packageName}`,
      'warn',
      `${needs.packageName} ${library.version} is installed without ${integration.packageName}, through which agentops records its calls: they are not recorded. Install ${integration.packageName}`,
    );
  }
}

/** Loads an installed package as the application would, and patches it; undefined when it cannot be loaded. */
function loadInstalled(integration: Integration, located: LocatedPackage): unknown {
  const entry = located.requireEntry ?? located.importEntry;
  if (entry === undefined) return undefined;
  let exports: unknown;
  try {
    // Node's own require, which loads an ES module package too (the instance `import` gets).
    exports = nodeRequire()(entry);
  } catch (err) {
    activeHost()?.logger.once(`integration-load:${integration.packageName}`, 'warn', `${integration.packageName} ${located.version} could not be loaded, so the calls it records are not recorded: ${String(err)}`);
    return undefined;
  }
  onLoaded(integration, exports, located.version, 'installed, loaded when first needed');
  return exports;
}

let mainRealm: boolean | undefined;

function inNodeMainRealm(): boolean {
  if (mainRealm === undefined) {
    try {
      const vm = nodeRequire()('node:vm') as typeof import('node:vm');
      mainRealm = vm.runInThisContext('globalThis') === globalThis;
    } catch {
      mainRealm = false;
    }
  }
  return mainRealm;
}
