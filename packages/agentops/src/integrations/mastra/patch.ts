/**
 * Mastra (`@mastra/core`), recorded through its observability exporter interface: agentops adds its
 * exporter (`exporter.ts`) to every Mastra the application creates, so agents, workflows, model
 * calls and tools are recorded in the session with nothing configured.
 *
 * The hook: the `Mastra` constructor ends by calling `this.setLogger(...)`, once its observability
 * is in place, so agentops wraps `Mastra.prototype.setLogger` (a prototype method can be patched in
 * an ES module's class as well as in CommonJS exports; the class binding itself cannot be replaced)
 * and, after the original, registers its exporter with the Mastra instance:
 * - when the application configured observability (`new Observability({ configs })` from
 *   `@mastra/observability`), the exporter is added to each of its instances, next to the
 *   application's own exporters, which keep working as configured;
 * - when it did not, Mastra records nothing (its observability is a no-op without
 *   `@mastra/observability`); if that package is installed, agentops sets up an instance with only
 *   its exporter (through `Mastra.registerExporter`, the API Mastra has for this). Otherwise it
 *   reports once that Mastra runs are not recorded and why.
 * Registration is idempotent (Mastra ignores an exporter it already has).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { activeHost } from '../host';
import type { Integration, TargetKind } from '../integration';
import { appDirs, locatePackage } from '../locate';
import { isRecord } from '../shared/llm-adapter';
import { patchMethod, unpatchAll, type AnyFunction } from '../shared/patch';
import { MastraExporter } from './exporter';

const NAME = 'mastra';
const OBSERVABILITY = '@mastra/observability';

/** The one exporter every Mastra instance gets (span ids are unique across instances). */
const exporter = new MastraExporter();
/** `@mastra/observability`, when handed over or loaded. */
let observability: Record<string, unknown> | undefined;

interface ObservabilityInstanceLike {
  registerExporter?(e: unknown): void;
  getExporters?(): readonly unknown[];
}

type Ctor = new (...args: unknown[]) => object;

function isMastraClass(v: unknown): v is { prototype: Record<string, unknown> } {
  if (typeof v !== 'function') return false;
  const proto = (v as { prototype?: Record<string, unknown> }).prototype;
  return typeof proto?.setLogger === 'function' && typeof proto.registerExporter === 'function' && typeof proto.getAgent === 'function';
}

function isMastraInstance(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v !== 'function' && isMastraClass(v.constructor);
}

/** `@mastra/observability`'s module: its entrypoint and instance classes. */
function isObservabilityModule(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v.Observability === 'function' && typeof v.DefaultObservabilityInstance === 'function';
}

/** `@mastra/observability` as the application would load it, once; undefined when not installed. */
function loadObservability(): Record<string, unknown> | undefined {
  if (observability !== undefined) return observability;
  const located = locatePackage(OBSERVABILITY);
  if (located === undefined) return undefined;
  for (const dir of appDirs()) {
    try {
      const mod = createRequire(path.join(dir, 'noop.js'))(OBSERVABILITY) as unknown;
      if (isObservabilityModule(mod)) return (observability = mod);
    } catch {
      // Not resolvable from this folder: the next one.
    }
  }
  return undefined;
}

/** Adds the exporter to a Mastra instance's observability, setting one up when it has none. */
function attach(mastra: Record<string, unknown>): boolean {
  const host = activeHost();
  if (host === undefined) return false;
  const obs = mastra.observability as { listInstances?(): ReadonlyMap<string, ObservabilityInstanceLike> } | undefined;
  const instances = typeof obs?.listInstances === 'function' ? [...obs.listInstances().values()] : [];
  if (instances.length > 0) {
    let added = false;
    for (const instance of new Set(instances)) {
      if (typeof instance?.registerExporter !== 'function' || instance.getExporters?.().includes(exporter) === true) continue;
      instance.registerExporter(exporter);
      added = true;
    }
    return added;
  }
  const mod = loadObservability();
  if (mod === undefined) {
    host.logger.once(
      'mastra:no-observability',
      'warn',
      `Mastra records its runs through ${OBSERVABILITY}, which is not installed: Mastra agents and workflows are not recorded (npm install ${OBSERVABILITY}) (reported once)`,
    );
    return false;
  }
  const Entry = mod.Observability as Ctor;
  const Instance = mod.DefaultObservabilityInstance as Ctor;
  const Filter = mod.SensitiveDataFilter as Ctor | undefined;
  const instance = new Instance({ name: 'default', serviceName: 'mastra', exporters: [exporter], spanOutputProcessors: typeof Filter === 'function' ? [new Filter()] : [] });
  (mastra.registerExporter as AnyFunction).call(mastra, exporter, instance, new Entry({}));
  return true;
}

function safeAttach(mastra: unknown): boolean {
  try {
    return isMastraInstance(mastra) && attach(mastra);
  } catch (err) {
    activeHost()?.logger.once('mastra:attach', 'warn', `mastra: agentops could not register its exporter; this Mastra runs unrecorded (${String(err)}) (reported once)`);
    return false;
  }
}

function patchClass(cls: { prototype: Record<string, unknown> }): number {
  const patched = patchMethod(NAME, cls.prototype, 'setLogger', (original) =>
    function setLogger(this: unknown, ...args: unknown[]): unknown {
      const result: unknown = original.apply(this, args);
      safeAttach(this);
      return result;
    },
  );
  return patched ? 1 : 0;
}

export const mastraIntegration: Integration = {
  name: NAME,
  label: 'Mastra',
  packageName: '@mastra/core',
  testedMajors: [1, 1],
  // `Mastra` is exported by the main entry and by `@mastra/core/mastra` (the same class).
  files: ['dist/mastra/index.js', 'dist/mastra/index.cjs'],
  accepts: "the Mastra class (import { Mastra } from '@mastra/core'), its module, a Mastra instance, or the @mastra/observability module",
  recognise(value: unknown): TargetKind | undefined {
    try {
      if (isMastraInstance(value)) return 'instance';
      if (isMastraClass(value) || (isRecord(value) && isMastraClass(value.Mastra)) || isObservabilityModule(value)) return 'module';
      return undefined;
    } catch {
      return undefined;
    }
  },
  patch(value: unknown, kind: TargetKind): number {
    if (kind === 'instance') return safeAttach(value) ? 1 : 0;
    if (isObservabilityModule(value)) {
      if (observability === value) return 0;
      observability = value;
      return 1;
    }
    const cls = isMastraClass(value) ? value : (value as Record<string, unknown>).Mastra;
    return isMastraClass(cls) ? patchClass(cls) : 0;
  },
  unpatch(): void {
    unpatchAll(NAME);
    // Mastra instances keep the exporter, which records nothing without an active client.
    exporter.abandon();
    observability = undefined;
  },
};
