/**
 * The collector destination from the environment, as the OpenTelemetry specification defines the
 * OTLP exporter variables: `OTEL_{TRACES,METRICS}_EXPORTER` choose it, `OTEL_EXPORTER_OTLP_*` (and
 * their signal-specific `OTEL_EXPORTER_OTLP_TRACES_*` / `_METRICS_*` forms, which win) configure
 * it. `OTLP_EXPORTER_ENDPOINT` is AgentOps' own shortcut: set alone, it turns the collector on.
 */

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

export interface OtlpTarget {
  /** HTTP: the full signal URL. gRPC: `http(s)://host:port`. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly compression: 'gzip' | 'none';
  /** gRPC over plaintext (and, for any protocol, plain http to hosts other than loopback). */
  readonly insecure: boolean;
  /** TLS material read from the files `OTEL_EXPORTER_OTLP_[SIGNAL_]CERTIFICATE`, `_CLIENT_CERTIFICATE`, `_CLIENT_KEY` name. */
  readonly tls?: TlsFiles;
}

export interface TlsFiles {
  /** Trusted certificate authorities (PEM), for the collector's certificate. */
  readonly ca?: Buffer;
  /** Client certificate and its private key (PEM), for mutual TLS. */
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/** What the config module's environment reader offers this module. */
export interface EnvSource {
  raw(name: string): string | undefined;
  /** The contents of the file the variable names; undefined (reported) when it cannot be read. */
  file(name: string): Buffer | undefined;
  bool(name: string): boolean | undefined;
  int(name: string, min: number): number | undefined;
  url(name: string, insecure: boolean): string | undefined;
  bad(name: string, accepted: string, fallback: string): undefined;
}

export type Signal = 'traces' | 'metrics';
export type ExporterName = 'otlp' | 'console' | 'prometheus';

/**
 * The names the OpenTelemetry environment specification lists for each signal, and what this SDK
 * does with each: used, or why not. Every listed name is accounted for; any other is unknown.
 */
const EXPORTERS: Record<'traces' | 'metrics' | 'logs', Record<string, string | true>> = {
  traces: {
    otlp: true,
    console: true,
    none: true,
    zipkin: 'not supported: send OTLP to a collector with a Zipkin exporter',
    jaeger: 'deprecated upstream (Jaeger accepts OTLP): use otlp',
  },
  metrics: { otlp: true, console: true, prometheus: true, none: true },
  logs: {
    none: true,
    otlp: 'not supported: agentops exports no log records (logs are span events, see forwardLogs)',
    console: 'not supported: agentops exports no log records (logs are span events, see forwardLogs)',
  },
};

/**
 * `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER`: a comma list of the names above. Unset: otlp
 * when `OTLP_EXPORTER_ENDPOINT` is set, else nothing (the vendor needs no exporter by name).
 */
export function exporterNames(env: EnvSource, signal: Signal): Set<ExporterName> {
  const name = signal === 'traces' ? 'OTEL_TRACES_EXPORTER' : 'OTEL_METRICS_EXPORTER';
  const fallback = new Set<ExporterName>(env.raw('OTLP_EXPORTER_ENDPOINT') !== undefined ? ['otlp'] : []);
  const raw = env.raw(name);
  if (raw === undefined) return fallback;
  const table = EXPORTERS[signal];
  const out = new Set<ExporterName>();
  let known = 0;
  const skipped: string[] = [];
  for (const part of raw.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)) {
    const verdict = Object.hasOwn(table, part) ? table[part] : undefined;
    if (verdict !== true) {
      skipped.push(verdict === undefined ? `${part} is unknown` : `${part} is ${verdict}`);
      continue;
    }
    known++;
    if (part !== 'none') out.add(part as ExporterName);
  }
  // A skipped name is reported and the rest of the list kept (otlp,zipkin is otlp); a list with no
  // usable name at all falls back to the default.
  if (skipped.length > 0) {
    const used = known > 0 ? [...out].join(', ') || 'none' : fallback.size ? 'otlp' : 'none';
    env.bad(name, `${usable(table)}; ${skipped.join('; ')}`, used);
    return known > 0 ? out : fallback;
  }
  return out;
}

/** `OTEL_LOGS_EXPORTER`: this SDK exports no log records; any value but `none` is reported once. */
export function checkLogsExporter(env: EnvSource): void {
  const raw = env.raw('OTEL_LOGS_EXPORTER');
  if (raw === undefined) return;
  const table = EXPORTERS.logs;
  const skipped = raw
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '' && p !== 'none')
    .map((p) => (Object.hasOwn(table, p) ? `${p} is ${table[p] as string}` : `${p} is unknown`));
  if (skipped.length > 0) env.bad('OTEL_LOGS_EXPORTER', `${usable(table)}; ${skipped.join('; ')}`, 'none');
}

function usable(table: Record<string, string | true>): string {
  return Object.keys(table).filter((k) => table[k] === true).join(', ');
}

/** `OTEL_EXPORTER_PROMETHEUS_HOST` / `_PORT` (default `localhost:9464`), for `OTEL_METRICS_EXPORTER=prometheus`. */
export function prometheusTarget(env: EnvSource): { host: string; port: number } {
  const host = env.raw('OTEL_EXPORTER_PROMETHEUS_HOST')?.trim() || 'localhost';
  const port = env.int('OTEL_EXPORTER_PROMETHEUS_PORT', 0);
  return { host, port: port !== undefined && port <= 65535 ? port : 9464 };
}

/** The collector target of `signal`, or undefined when it is not wanted or its endpoint is unusable. */
export function collectorTarget(env: EnvSource, signal: Signal, insecureDefault: boolean): OtlpTarget | undefined {
  const S = signal.toUpperCase();
  const pick = <T>(read: (name: string) => T | undefined, suffix: string): T | undefined =>
    read(`OTEL_EXPORTER_OTLP_${S}_${suffix}`) ?? read(`OTEL_EXPORTER_OTLP_${suffix}`);

  const insecure = pick((n) => env.bool(n), 'INSECURE') ?? insecureDefault;
  const protocol = pick((n) => protocolOf(env, n), 'PROTOCOL') ?? 'http/protobuf';

  let url: string | undefined;
  const shortcut = env.url('OTLP_EXPORTER_ENDPOINT', insecure);
  if (shortcut !== undefined) {
    url = protocol === 'grpc' ? origin(shortcut) : signalUrl(shortcut, signal);
  } else if (env.raw('OTLP_EXPORTER_ENDPOINT') !== undefined) {
    return undefined; // reported by env.url; no guessing of another collector
  } else {
    const specific = env.url(`OTEL_EXPORTER_OTLP_${S}_ENDPOINT`, insecure);
    const base = env.url('OTEL_EXPORTER_OTLP_ENDPOINT', insecure);
    if (protocol === 'grpc') url = origin(specific ?? base ?? 'http://localhost:4317');
    else if (specific !== undefined) url = specific;
    else url = `${(base ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/${signal}`;
  }

  return {
    url,
    protocol,
    headers: pick((n) => headersOf(env, n), 'HEADERS') ?? {},
    timeoutMs: pick((n) => env.int(n, 1), 'TIMEOUT') ?? 10_000,
    compression: pick((n) => compressionOf(env, n), 'COMPRESSION') ?? 'none',
    insecure,
    tls: tlsOf(pick((n) => env.file(n), 'CERTIFICATE'), pick((n) => env.file(n), 'CLIENT_CERTIFICATE'), pick((n) => env.file(n), 'CLIENT_KEY')),
  };
}

function tlsOf(ca: Buffer | undefined, cert: Buffer | undefined, key: Buffer | undefined): TlsFiles | undefined {
  if (ca === undefined && cert === undefined && key === undefined) return undefined;
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** `OTLP_EXPORTER_ENDPOINT` is a base URL; a URL already ending in `/v1/traces` (or metrics) is kept. */
export function signalUrl(base: string, signal: Signal): string {
  const m = /\/v1\/(traces|metrics)$/.exec(base);
  if (m) return `${base.slice(0, m.index)}/v1/${signal}`;
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

function origin(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

function protocolOf(env: EnvSource, name: string): OtlpProtocol | undefined {
  const v = env.raw(name);
  if (v === undefined) return undefined;
  if ((OTLP_PROTOCOLS as readonly string[]).includes(v)) return v as OtlpProtocol;
  return env.bad(name, OTLP_PROTOCOLS.join(', '), 'http/protobuf');
}

function compressionOf(env: EnvSource, name: string): 'gzip' | 'none' | undefined {
  const v = env.raw(name)?.toLowerCase();
  if (v === undefined) return undefined;
  if (v === 'gzip' || v === 'none') return v;
  return env.bad(name, 'gzip, none', 'none');
}

/** `key1=value1,key2=value2`, values percent-encoded (W3C baggage format, as the spec says). */
function headersOf(env: EnvSource, name: string): Record<string, string> | undefined {
  const raw = env.raw(name);
  if (raw === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim().toLowerCase() : '';
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key)) return env.bad(name, 'key=value pairs separated by commas, keys being HTTP header names', 'no headers');
    try {
      out[key] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return env.bad(name, 'percent-encoded values', 'no headers');
    }
  }
  return out;
}
