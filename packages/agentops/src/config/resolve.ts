/**
 * Options + environment -> one validated, frozen Config.
 *
 * Precedence: arguments to `init()` > `AGENTOPS_*` and `OTLP_EXPORTER_ENDPOINT` > standard `OTEL_*`
 * > defaults. A bad argument throws `AgentOpsConfigError`; a bad environment value is reported once
 * through the SDK's logger and the default is used, so a typo in a deployment never crashes an agent.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace';
import { checkLogsExporter, collectorTarget, exporterNames, prometheusTarget } from '../otlp-env';
import { AgentOpsConfigError } from '../errors';
import { LOG_LEVELS, type LogLevel, type Logger, SdkLogger } from '../log';
import type { Config, PropagatorName, SamplingSpec } from './config';
import { envMessage, EnvReader, parseResourceAttributes, type Env } from './env';
import type { InitOptions } from './options';
import { siblingMetricsUrl } from './urls';
import {
  optAttributes,
  optBool,
  optDestinations,
  optExporters,
  optInstrument,
  optInt,
  optMetricReaders,
  optObject,
  optPricing,
  optString,
  optStringArray,
  optUrl,
  rejectUnknown,
} from './validate';

export const DEFAULT_API_ENDPOINT = 'https://api.agentops.ai';
export const DEFAULT_EXPORTER_ENDPOINT = 'https://otlp.agentops.ai/v1/traces';
export const DEFAULT_APP_URL = 'https://app.agentops.ai';

const KNOWN_OPTIONS = new Set<string>([
  'apiKey', 'apiEndpoint', 'exporterEndpoint', 'appUrl', 'exporters', 'serviceName', 'serviceVersion',
  'environment', 'resourceAttributes', 'captureContent', 'insecure', 'enabled', 'logLevel', 'logger',
  'logSessionUrl', 'autoStartSession', 'defaultTags', 'spanLimits', 'batch', 'delivery',
  'metrics', 'metricReaders', 'pricing', 'mask', 'redact', 'sessionTtlMs', 'handleExit', 'exitTimeoutMs', 'spoolDir',
  'sampleRate', 'sampler', 'tracerProvider', 'global', 'forwardLogs', 'destinations', 'instrument',
]);

/** Builds the SDK logger first: every later step reports through it. */
export function resolveLogger(options: InitOptions, env: Env): SdkLogger {
  const o = options as Record<string, unknown>;
  let level: LogLevel = 'warn';
  let pendingEnvWarning: string | undefined;
  if (o.logLevel !== undefined) {
    if (typeof o.logLevel !== 'string' || !LOG_LEVELS.includes(o.logLevel as LogLevel)) {
      throw new AgentOpsConfigError('logLevel', `one of ${LOG_LEVELS.join(', ')}`, o.logLevel);
    }
    level = o.logLevel as LogLevel;
  } else if (env.AGENTOPS_LOG_LEVEL !== undefined && env.AGENTOPS_LOG_LEVEL !== '') {
    const v = env.AGENTOPS_LOG_LEVEL.trim().toLowerCase();
    if (LOG_LEVELS.includes(v as LogLevel)) level = v as LogLevel;
    else pendingEnvWarning = envMessage('AGENTOPS_LOG_LEVEL', env.AGENTOPS_LOG_LEVEL, `one of ${LOG_LEVELS.join(', ')}`, 'warn');
  }
  if (o.logger !== undefined) {
    const l = o.logger as Partial<Logger> | null;
    if (l === null || typeof l !== 'object' || ['debug', 'info', 'warn', 'error'].some((m) => typeof (l as Record<string, unknown>)[m] !== 'function')) {
      throw new AgentOpsConfigError('logger', 'an object with debug, info, warn and error functions', o.logger);
    }
  }
  const logger = new SdkLogger(level, o.logger as Logger | undefined);
  if (pendingEnvWarning) logger.once('env:AGENTOPS_LOG_LEVEL', 'warn', pendingEnvWarning);
  return logger;
}

export function resolveConfig(options: InitOptions | undefined, env: Env, logger: SdkLogger): Config {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new AgentOpsConfigError('options', 'an object', options);
  }
  const o = (options ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.has(key) && o[key] !== undefined) {
      throw new AgentOpsConfigError(key, `one of the documented options (${[...KNOWN_OPTIONS].join(', ')})`, o[key]);
    }
  }
  if (o.logLevel !== undefined && (typeof o.logLevel !== 'string' || !LOG_LEVELS.includes(o.logLevel as LogLevel))) {
    throw new AgentOpsConfigError('logLevel', `one of ${LOG_LEVELS.join(', ')}`, o.logLevel);
  }
  const e = new EnvReader(env, logger);

  const insecure = optBool(o, 'insecure') ?? e.bool('OTEL_EXPORTER_OTLP_INSECURE') ?? false;
  const otelDisabled = e.bool('OTEL_SDK_DISABLED');
  const enabled = optBool(o, 'enabled') ?? e.bool('AGENTOPS_ENABLED') ?? (otelDisabled === undefined ? true : !otelDisabled);

  const apiKey = optString(o, 'apiKey', true) ?? e.raw('AGENTOPS_API_KEY');
  const apiEndpoint = optUrl(o, 'apiEndpoint', insecure) ?? e.url('AGENTOPS_API_ENDPOINT', insecure) ?? DEFAULT_API_ENDPOINT;
  const exporterEndpoint = optUrl(o, 'exporterEndpoint', insecure) ?? e.url('AGENTOPS_EXPORTER_ENDPOINT', insecure) ?? DEFAULT_EXPORTER_ENDPOINT;
  // The viewer is only ever a link in a log line, never a destination: any http(s) URL will do.
  const appUrl = optUrl(o, 'appUrl', true) ?? e.url('AGENTOPS_APP_URL', true) ?? DEFAULT_APP_URL;

  const exportersIn = optExporters(o);
  const traceNames = exporterNames(e, 'traces');
  for (const n of exportersIn?.names ?? []) traceNames.add(n);
  const metricNames = exporterNames(e, 'metrics');
  checkLogsExporter(e);
  const collectorTraces = traceNames.has('otlp') ? collectorTarget(e, 'traces', insecure) : undefined;
  const collectorMetrics = metricNames.has('otlp') ? collectorTarget(e, 'metrics', insecure) : undefined;
  const exporters = exportersIn?.exporters;

  const serviceName = optString(o, 'serviceName') ?? e.raw('OTEL_SERVICE_NAME');
  const serviceVersion = optString(o, 'serviceVersion');
  const environment = optString(o, 'environment') ?? e.raw('AGENTOPS_ENVIRONMENT');
  const resourceAttributes = optAttributes(o, 'resourceAttributes') ?? {};
  const envResourceAttributes = parseResourceAttributes(e.raw('OTEL_RESOURCE_ATTRIBUTES'), logger);

  const captureContent =
    optBool(o, 'captureContent') ??
    e.bool('AGENTOPS_CAPTURE_CONTENT') ??
    e.bool('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT') ??
    true;

  const logSessionUrl = optBool(o, 'logSessionUrl') ?? true;
  const autoStartSession = optBool(o, 'autoStartSession') ?? true;
  const defaultTags = optStringArray(o, 'defaultTags') ?? [];

  const limitsIn = optObject(o, 'spanLimits') ?? {};
  const lengthLimit =
    optInt(limitsIn, 'attributeValueLengthLimit', 32, 'spanLimits.') ??
    e.int('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 32) ??
    e.int('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 32) ??
    131072;
  const spanLimits = {
    attributeValueLengthLimit: lengthLimit,
    attributeCountLimit: optInt(limitsIn, 'attributeCountLimit', 1, 'spanLimits.') ?? e.int('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 1) ?? 128,
    eventCountLimit: optInt(limitsIn, 'eventCountLimit', 0, 'spanLimits.') ?? e.int('OTEL_SPAN_EVENT_COUNT_LIMIT', 0) ?? 128,
    linkCountLimit: optInt(limitsIn, 'linkCountLimit', 0, 'spanLimits.') ?? e.int('OTEL_SPAN_LINK_COUNT_LIMIT', 0) ?? 128,
  };
  rejectUnknown(limitsIn, 'spanLimits', ['attributeValueLengthLimit', 'attributeCountLimit', 'eventCountLimit', 'linkCountLimit']);

  const batchIn = optObject(o, 'batch') ?? {};
  rejectUnknown(batchIn, 'batch', ['maxQueueSize', 'maxExportBatchSize', 'scheduledDelayMillis', 'exportTimeoutMillis']);
  const maxQueueSize = optInt(batchIn, 'maxQueueSize', 1, 'batch.') ?? e.int('OTEL_BSP_MAX_QUEUE_SIZE', 1) ?? 2048;
  let maxExportBatchSize = optInt(batchIn, 'maxExportBatchSize', 1, 'batch.');
  if (maxExportBatchSize !== undefined && maxExportBatchSize > maxQueueSize) {
    throw new AgentOpsConfigError('batch.maxExportBatchSize', `an integer <= batch.maxQueueSize (${maxQueueSize})`, maxExportBatchSize);
  }
  maxExportBatchSize ??= Math.min(e.int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 1) ?? 512, maxQueueSize);
  const spoolDir = optString(o, 'spoolDir') ?? e.raw('AGENTOPS_SPOOL_DIR');
  const batch = {
    maxQueueSize,
    maxExportBatchSize,
    // Durable mode keeps the window in which an ended span is only in memory short.
    scheduledDelayMillis:
      optInt(batchIn, 'scheduledDelayMillis', 0, 'batch.') ?? e.int('OTEL_BSP_SCHEDULE_DELAY', 0) ?? (spoolDir !== undefined ? 200 : apiKey ? 1000 : 5000),
    exportTimeoutMillis: optInt(batchIn, 'exportTimeoutMillis', 1, 'batch.') ?? e.int('OTEL_BSP_EXPORT_TIMEOUT', 1) ?? 30000,
  };

  const deliveryIn = optObject(o, 'delivery') ?? {};
  rejectUnknown(deliveryIn, 'delivery', ['maxBufferBytes', 'requestTimeoutMs', 'initialRetryDelayMs', 'maxRetryDelayMs', 'concurrency', 'maxRequestBytes']);
  const delivery = {
    maxBufferBytes: optInt(deliveryIn, 'maxBufferBytes', 1024, 'delivery.') ?? 64 * 1024 * 1024,
    requestTimeoutMs: optInt(deliveryIn, 'requestTimeoutMs', 1, 'delivery.') ?? 10000,
    initialRetryDelayMs: optInt(deliveryIn, 'initialRetryDelayMs', 1, 'delivery.') ?? 500,
    maxRetryDelayMs: optInt(deliveryIn, 'maxRetryDelayMs', 1, 'delivery.') ?? 5000,
    concurrency: optInt(deliveryIn, 'concurrency', 1, 'delivery.') ?? 4,
    maxRequestBytes: optInt(deliveryIn, 'maxRequestBytes', 65536, 'delivery.'),
  };
  if (delivery.maxRequestBytes !== undefined && delivery.maxRequestBytes > delivery.maxBufferBytes) {
    throw new AgentOpsConfigError('delivery.maxRequestBytes', `at most delivery.maxBufferBytes (${delivery.maxBufferBytes})`, delivery.maxRequestBytes);
  }
  // A request never holds more than a destination's buffer can.
  const maxRequestBytes = delivery.maxRequestBytes ?? Math.min(4 * 1024 * 1024, delivery.maxBufferBytes);

  let metricsEnabled = true;
  let metricsIn: Record<string, unknown> = {};
  if (o.metrics !== undefined) {
    if (typeof o.metrics === 'boolean') metricsEnabled = o.metrics;
    else metricsIn = optObject(o, 'metrics') ?? {};
  }
  rejectUnknown(metricsIn, 'metrics', ['exportIntervalMillis', 'exportTimeoutMillis', 'cardinalityLimit', 'prometheus']);
  const prometheus = prometheusOf(metricsIn, metricNames.has('prometheus'), e);
  const exportIntervalMillis = optInt(metricsIn, 'exportIntervalMillis', 100, 'metrics.') ?? e.int('OTEL_METRIC_EXPORT_INTERVAL', 100) ?? 60000;
  const exportTimeoutMillis = Math.min(
    optInt(metricsIn, 'exportTimeoutMillis', 1, 'metrics.') ?? e.int('OTEL_METRIC_EXPORT_TIMEOUT', 1) ?? 30000,
    exportIntervalMillis,
  );
  const metrics = {
    exportIntervalMillis,
    exportTimeoutMillis,
    cardinalityLimit: optInt(metricsIn, 'cardinalityLimit', 1, 'metrics.') ?? 1000,
  };
  const metricReaders = optMetricReaders(o);
  const pricing = optPricing(o);
  const sampling = samplingOf(o, e);
  const propagators = propagatorsOf(e);
  if (o.tracerProvider !== undefined && (o.tracerProvider === null || typeof (o.tracerProvider as TracerProvider).getTracer !== 'function')) {
    throw new AgentOpsConfigError('tracerProvider', 'a TracerProvider (an object with getTracer)', o.tracerProvider);
  }
  if (o.forwardLogs !== undefined) {
    const l = o.forwardLogs as Record<string, unknown> | null;
    if (l === null || typeof l !== 'object' || ['debug', 'info', 'warn', 'error'].some((m) => typeof l[m] !== 'function')) {
      throw new AgentOpsConfigError('forwardLogs', 'an object with debug, info, warn and error functions', o.forwardLogs);
    }
  }
  if (o.mask !== undefined && typeof o.mask !== 'function') throw new AgentOpsConfigError('mask', 'a function (value, key) => replacement', o.mask);
  const instrument = optInstrument(o);

  return Object.freeze({
    enabled,
    apiKey,
    apiEndpoint,
    exporterEndpoint,
    vendorMetricsEndpoint: siblingMetricsUrl(exporterEndpoint),
    appUrl,
    collectorTraces,
    collectorMetrics,
    consoleTraces: traceNames.has('console'),
    consoleMetrics: metricNames.has('console'),
    prometheus,
    exporters: Object.freeze(exporters ?? []),
    serviceName,
    serviceVersion,
    environment,
    envResourceAttributes: Object.freeze(envResourceAttributes),
    resourceAttributes: Object.freeze(resourceAttributes),
    captureContent,
    insecure,
    logSessionUrl,
    autoStartSession,
    defaultTags: Object.freeze(defaultTags),
    spanLimits: Object.freeze(spanLimits),
    batch: Object.freeze(batch),
    delivery: Object.freeze({ ...delivery, maxRequestBytes }),
    metricsEnabled,
    metrics: Object.freeze(metrics),
    metricReaders: Object.freeze(metricReaders ?? []),
    pricing: Object.freeze(pricing ?? {}),
    mask: o.mask as ((value: string, key: string) => unknown) | undefined,
    redact: optBool(o, 'redact') ?? true,
    sessionTtlMs: optInt(o, 'sessionTtlMs', 0) ?? 3_600_000,
    handleExit: optBool(o, 'handleExit') ?? true,
    exitTimeoutMs: optInt(o, 'exitTimeoutMs', 0) ?? 2000,
    spoolDir,
    sampling,
    tracerProvider: o.tracerProvider as TracerProvider | undefined,
    global: optBool(o, 'global') ?? true,
    propagators,
    forwardLogs: o.forwardLogs as Logger | undefined,
    destinations: Object.freeze(optDestinations(o, insecure, delivery.requestTimeoutMs)),
    instrument,
  });
}

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

/** `sampler` > `sampleRate` > `OTEL_TRACES_SAMPLER` (+ `_ARG`) > keep everything. */
function samplingOf(o: Record<string, unknown>, e: EnvReader): SamplingSpec {
  if (o.sampler !== undefined) {
    const smp = o.sampler as Partial<Sampler> | null;
    if (smp === null || typeof smp !== 'object' || typeof smp.shouldSample !== 'function') {
      throw new AgentOpsConfigError('sampler', 'an OpenTelemetry Sampler (an object with shouldSample)', o.sampler);
    }
    return { kind: 'custom', sampler: smp as Sampler };
  }
  if (o.sampleRate !== undefined) {
    const r = o.sampleRate;
    if (typeof r !== 'number' || !Number.isFinite(r) || r < 0 || r > 1) throw new AgentOpsConfigError('sampleRate', 'a number from 0 to 1', r);
    return { kind: 'ratio', ratio: r, parentBased: true };
  }
  const raw = e.raw('OTEL_TRACES_SAMPLER')?.toLowerCase();
  let name = 'parentbased_always_on';
  if (raw !== undefined) {
    if (SAMPLERS.includes(raw)) name = raw;
    else e.bad('OTEL_TRACES_SAMPLER', SAMPLERS.join(', '), 'parentbased_always_on');
  }
  const parentBased = name.startsWith('parentbased_');
  const base = parentBased ? name.slice('parentbased_'.length) : name;
  if (base === 'always_on') return { kind: 'ratio', ratio: 1, parentBased };
  if (base === 'always_off') return { kind: 'always_off', parentBased };
  let ratio = 1;
  const arg = e.raw('OTEL_TRACES_SAMPLER_ARG');
  if (arg !== undefined) {
    const n = Number(arg);
    if (/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(arg) && n >= 0 && n <= 1) ratio = n;
    else e.bad('OTEL_TRACES_SAMPLER_ARG', 'a number from 0 to 1', '1.0');
  }
  return { kind: 'ratio', ratio, parentBased };
}

const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'none'];

/** `OTEL_PROPAGATORS`: comma list; default tracecontext,baggage. */
function propagatorsOf(e: EnvReader): PropagatorName[] {
  const raw = e.raw('OTEL_PROPAGATORS');
  const fallback: PropagatorName[] = ['tracecontext', 'baggage'];
  if (raw === undefined) return fallback;
  const out: PropagatorName[] = [];
  for (const p of raw.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    if (!PROPAGATORS.includes(p)) {
      e.bad('OTEL_PROPAGATORS', PROPAGATORS.join(', '), 'tracecontext,baggage');
      return fallback;
    }
    if (p !== 'none' && !out.includes(p as PropagatorName)) out.push(p as PropagatorName);
  }
  return out;
}

/** `metrics.prometheus` (true or `{ port, host }`) wins over `OTEL_METRICS_EXPORTER=prometheus` and its variables. */
function prometheusOf(metricsIn: Record<string, unknown>, fromEnv: boolean, e: EnvReader): { host: string; port: number } | undefined {
  const v = metricsIn.prometheus;
  if (v === undefined) return fromEnv ? Object.freeze(prometheusTarget(e)) : undefined;
  if (v === false) return undefined;
  const base = prometheusTarget(e);
  if (v === true) return Object.freeze(base);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new AgentOpsConfigError('metrics.prometheus', 'true, false or { port, host }', v);
  const o = v as Record<string, unknown>;
  rejectUnknown(o, 'metrics.prometheus', ['port', 'host']);
  const port = o.port === undefined ? base.port : o.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw new AgentOpsConfigError('metrics.prometheus.port', 'an integer from 0 to 65535', o.port);
  const host = o.host === undefined ? base.host : o.host;
  if (typeof host !== 'string' || host.trim() === '') throw new AgentOpsConfigError('metrics.prometheus.host', 'a host name or address', o.host);
  return Object.freeze({ host: host.trim(), port });
}
