/** Validators of `init()` arguments: each throws `AgentOpsConfigError` naming the option, what it accepts and what it got. */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { GRPC_PACKAGE, hasPackage, missingPackageMessage } from '../export/optional-package';
import type { OtlpTarget } from '../otlp-env';
import { AgentOpsConfigError } from '../errors';
import type { InstrumentConfig } from '../integrations/instrument';
import { INTEGRATIONS } from '../integrations/registry';
import type { PricingEntry } from './options';
import { stripSlash, urlProblem } from './urls';

const RESERVED_DESTINATION_NAMES = new Set(['vendor', 'collector']);

export function optDestinations(o: Record<string, unknown>, insecure: boolean, timeoutDefault: number): Array<OtlpTarget & { name: string }> {
  const v = o.destinations;
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new AgentOpsConfigError('destinations', 'an array of { url, protocol?, headers?, compression?, timeoutMs?, name? }', v);
  const names = new Set<string>();
  return v.map((d, i) => {
    const path = `destinations[${i}]`;
    if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new AgentOpsConfigError(path, 'an object { url, protocol?, headers?, compression?, timeoutMs?, name? }', d);
    const x = d as Record<string, unknown>;
    rejectUnknown(x, path, ['name', 'url', 'protocol', 'headers', 'compression', 'timeoutMs']);
    const url = optUrl(x, 'url', insecure, `${path}.`);
    if (url === undefined) throw new AgentOpsConfigError(`${path}.url`, 'an absolute http(s) URL', x.url);
    const protocol = x.protocol ?? 'http/protobuf';
    if (protocol !== 'http/protobuf' && protocol !== 'http/json' && protocol !== 'grpc') throw new AgentOpsConfigError(`${path}.protocol`, 'one of http/protobuf, http/json, grpc', x.protocol);
    if (protocol === 'grpc' && !hasPackage(GRPC_PACKAGE)) {
      throw new AgentOpsConfigError(`${path}.protocol`, `http/protobuf or http/json (${missingPackageMessage('grpc', GRPC_PACKAGE)})`, x.protocol);
    }
    const compression = x.compression ?? 'none';
    if (compression !== 'gzip' && compression !== 'none') throw new AgentOpsConfigError(`${path}.compression`, 'gzip or none', x.compression);
    const headers = x.headers === undefined ? {} : x.headers;
    if (headers === null || typeof headers !== 'object' || Object.values(headers).some((h) => typeof h !== 'string')) {
      throw new AgentOpsConfigError(`${path}.headers`, 'an object of string header values', x.headers);
    }
    const name = x.name === undefined ? `otlp[${i}]` : x.name;
    if (typeof name !== 'string' || name === '' || RESERVED_DESTINATION_NAMES.has(name) || names.has(name)) {
      throw new AgentOpsConfigError(`${path}.name`, 'a unique non-empty string other than "vendor" and "collector"', x.name);
    }
    names.add(name);
    return {
      name,
      url: protocol === 'grpc' ? new URL(url).origin : url,
      protocol,
      headers: { ...(headers as Record<string, string>) },
      compression,
      timeoutMs: optInt(x, 'timeoutMs', 1, `${path}.`) ?? timeoutDefault,
      insecure,
    };
  });
}

export function optMetricReaders(o: Record<string, unknown>): MetricReader[] | undefined {
  const v = o.metricReaders;
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new AgentOpsConfigError('metricReaders', 'an array of MetricReader objects', v);
  return v.map((x, i) => {
    const r = x as Partial<MetricReader> | null;
    if (r === null || typeof r !== 'object' || typeof r.collect !== 'function' || typeof r.shutdown !== 'function' || typeof r.setMetricProducer !== 'function') {
      throw new AgentOpsConfigError(`metricReaders[${i}]`, 'a MetricReader (e.g. a PeriodicExportingMetricReader)', x);
    }
    return r as MetricReader;
  });
}

export function optPricing(o: Record<string, unknown>): Record<string, PricingEntry> | undefined {
  const v = optObject(o, 'pricing');
  if (v === undefined) return undefined;
  const out: Record<string, PricingEntry> = {};
  for (const [model, entry] of Object.entries(v)) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new AgentOpsConfigError(`pricing.${model}`, 'an object { input, output, cachedInput? } in USD per million tokens', entry);
    }
    const p = entry as Record<string, unknown>;
    rejectUnknown(p, `pricing.${model}`, ['input', 'output', 'cachedInput', 'cacheWrite', 'longContext']);
    const rates = priceRates(p, `pricing.${model}`, ['input', 'output'], ['cachedInput', 'cacheWrite']);
    const long = p.longContext;
    if (long !== undefined) {
      if (long === null || typeof long !== 'object' || Array.isArray(long)) {
        throw new AgentOpsConfigError(`pricing.${model}.longContext`, 'an object { aboveInputTokens, input, output, cachedInput? }', long);
      }
      const l = long as Record<string, unknown>;
      rejectUnknown(l, `pricing.${model}.longContext`, ['aboveInputTokens', 'input', 'output', 'cachedInput']);
      const above = l.aboveInputTokens;
      if (typeof above !== 'number' || !Number.isInteger(above) || above < 0) {
        throw new AgentOpsConfigError(`pricing.${model}.longContext.aboveInputTokens`, 'an integer >= 0 (input tokens)', above);
      }
      const longRates = priceRates(l, `pricing.${model}.longContext`, ['input', 'output'], ['cachedInput']);
      out[model] = { ...rates, longContext: { aboveInputTokens: above, ...longRates } } as unknown as PricingEntry;
    } else {
      out[model] = rates as unknown as PricingEntry;
    }
  }
  return out;
}

/** The named rates of a price object, each a finite number >= 0; the optional ones may be absent. */
function priceRates(p: Record<string, unknown>, path: string, required: string[], optional: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...required, ...optional]) {
    const n = p[k];
    if (n === undefined && optional.includes(k)) continue;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new AgentOpsConfigError(`${path}.${k}`, 'a number >= 0 (USD per million tokens)', n);
    }
    out[k] = n;
  }
  return out;
}

export function optBool(o: Record<string, unknown>, name: string): boolean | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new AgentOpsConfigError(name, 'a boolean', v);
  return v;
}

export function optString(o: Record<string, unknown>, name: string, secret = false, prefix = ''): string | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    // Never echo a secret back, even a malformed one.
    const shown = secret && typeof v === 'string' ? `a blank string of length ${v.length}` : undefined;
    throw new AgentOpsConfigError(prefix + name, 'a non-empty string', v, shown);
  }
  return v.trim();
}

export function optInt(o: Record<string, unknown>, name: string, min: number, prefix = ''): number | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new AgentOpsConfigError(prefix + name, `an integer >= ${min}`, v);
  }
  return v;
}

export function optObject(o: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new AgentOpsConfigError(name, 'an object', v);
  return v as Record<string, unknown>;
}

export function rejectUnknown(o: Record<string, unknown>, parent: string, known: string[]): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k) && o[k] !== undefined) {
      throw new AgentOpsConfigError(`${parent}.${k}`, `one of ${known.map((n) => `${parent}.${n}`).join(', ')}`, o[k]);
    }
  }
}

export function optInstrument(o: Record<string, unknown>): InstrumentConfig {
  const v = o.instrument;
  if (v === undefined) return Object.freeze({ auto: true, targets: Object.freeze([]) });
  if (v === false) return Object.freeze({ auto: false, targets: Object.freeze([]) });
  const names = INTEGRATIONS.map((i) => i.name);
  const accepted = `false, or an object { ${names.map((n) => `${n}?`).join(', ')} } holding the classes (or client instances) to patch`;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new AgentOpsConfigError('instrument', accepted, v);
  const given = v as Record<string, unknown>;
  rejectUnknown(given, 'instrument', names);
  const targets: object[] = [];
  for (const integration of INTEGRATIONS) {
    const target = given[integration.name];
    if (target === undefined) continue;
    if (integration.recognise(target) === undefined) throw new AgentOpsConfigError(`instrument.${integration.name}`, integration.accepts, target);
    targets.push(target as object);
  }
  return Object.freeze({ auto: true, targets: Object.freeze(targets) });
}

export function optStringArray(o: Record<string, unknown>, name: string): string[] | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((t) => typeof t !== 'string')) {
    throw new AgentOpsConfigError(name, 'an array of strings', v);
  }
  return [...(v as string[])];
}

export function optUrl(o: Record<string, unknown>, name: string, insecure: boolean, prefix = ''): string | undefined {
  const v = optString(o, name, false, prefix);
  if (v === undefined) return undefined;
  const problem = urlProblem(v, insecure);
  if (problem) throw new AgentOpsConfigError(prefix + name, problem, v);
  return stripSlash(v);
}

export function optAttributes(o: Record<string, unknown>, name: string): Attributes | undefined {
  const v = optObject(o, name);
  if (v === undefined) return undefined;
  const out: Attributes = {};
  for (const [k, val] of Object.entries(v)) {
    if (!isAttributeValue(val)) {
      throw new AgentOpsConfigError(`${name}.${k}`, 'a string, number, boolean or an array of one of those', val);
    }
    out[k] = val;
  }
  return out;
}

export function optExporters(o: Record<string, unknown>): { exporters: SpanExporter[]; names: Array<'console' | 'otlp'> } | undefined {
  const v = o.exporters;
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new AgentOpsConfigError('exporters', 'an array of SpanExporter objects (or "console", "otlp")', v);
  const exporters: SpanExporter[] = [];
  const names: Array<'console' | 'otlp'> = [];
  v.forEach((x, i) => {
    if (x === 'console' || x === 'otlp') {
      names.push(x);
      return;
    }
    const ex = x as Partial<SpanExporter> | null;
    if (ex === null || typeof ex !== 'object' || typeof ex.export !== 'function' || typeof ex.shutdown !== 'function') {
      throw new AgentOpsConfigError(`exporters[${i}]`, 'a SpanExporter (an object with export and shutdown methods), "console" or "otlp"', x);
    }
    exporters.push(ex as SpanExporter);
  });
  return { exporters, names };
}

function isAttributeValue(v: unknown): v is AttributeValue {
  const t = typeof v;
  if (t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(v))) return true;
  if (!Array.isArray(v)) return false;
  return v.every((x) => x === null || x === undefined || ['string', 'number', 'boolean'].includes(typeof x));
}
