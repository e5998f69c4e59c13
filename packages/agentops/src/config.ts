/**
 * Options + environment -> one validated, frozen Config.
 *
 * Precedence: arguments to `init()` > `AGENTOPS_*` and `OTLP_EXPORTER_ENDPOINT` > standard `OTEL_*`
 * > defaults. A bad argument throws `AgentOpsConfigError`; a bad environment value is reported once
 * through the SDK's logger and the default is used, so a typo in a deployment never crashes an agent.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
import { GRPC_PACKAGE, hasPackage, missingPackageMessage } from './export/optional-package';
import { collectorTarget, exporterNames, type OtlpTarget } from './otlp-env';
import { AgentOpsConfigError } from './errors';
import type { InstrumentConfig, InstrumentOptions } from './integrations/instrument';
import { isAnthropicTarget, isOpenAITarget } from './integrations/registry';
import { LOG_LEVELS, type LogLevel, type Logger, SdkLogger } from './log';

export type Env = Readonly<Record<string, string | undefined>>;

/** Batching of finished spans before they are encoded and handed to the destinations. */
export interface BatchOptions {
  /** Spans held before new ones are dropped (and counted). Default 2048 (`OTEL_BSP_MAX_QUEUE_SIZE`). */
  maxQueueSize?: number;
  /** Spans per encoded batch. Default 512 (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`). */
  maxExportBatchSize?: number;
  /** Longest wait before a partial batch is sent. Default 1000 ms with the vendor, else 5000 (`OTEL_BSP_SCHEDULE_DELAY`). */
  scheduledDelayMillis?: number;
  /** Longest a user exporter may take for one batch. Default 30000 ms (`OTEL_BSP_EXPORT_TIMEOUT`). */
  exportTimeoutMillis?: number;
}

/** Per-destination delivery: the bounded buffer and its retries. */
export interface DeliveryOptions {
  /** Encoded bytes a destination may hold while it is slow or down; oldest batches are evicted past it. Default 64 MiB. */
  maxBufferBytes?: number;
  /** Timeout of one HTTP request. Default 10000 ms. */
  requestTimeoutMs?: number;
  /** First retry delay; it doubles (with jitter) up to `maxRetryDelayMs`. Default 500 ms. */
  initialRetryDelayMs?: number;
  /** Longest delay between retries (a `Retry-After` header may ask for more, up to 60 s). Default 5000 ms. */
  maxRetryDelayMs?: number;
  /** Requests in flight at once per destination. Default 4. */
  concurrency?: number;
}

export interface SpanLimitOptions {
  /** Longest string attribute value, in UTF-16 code units; longer ones are truncated with a marker. Default 131072. */
  attributeValueLengthLimit?: number;
  /** Most attributes per span. Default 128. */
  attributeCountLimit?: number;
  /** Most events per span. Default 128. */
  eventCountLimit?: number;
  /** Most links per span. Default 128. */
  linkCountLimit?: number;
}

export interface MetricsOptions {
  /** How often metrics are collected and exported. Default 60000 ms (`OTEL_METRIC_EXPORT_INTERVAL`). */
  exportIntervalMillis?: number;
  /** Longest one export may take. Default 30000 ms, at most the interval (`OTEL_METRIC_EXPORT_TIMEOUT`). */
  exportTimeoutMillis?: number;
  /** Distinct attribute sets kept per instrument; past it, measurements go to `otel.metric.overflow=true`. Default 1000. */
  cardinalityLimit?: number;
}

/** USD per million tokens. */
export interface PricingEntry {
  input: number;
  output: number;
  /** Rate for input tokens served from the provider's cache; default `input`. */
  cachedInput?: number;
  /** Rate for input tokens written to the provider's cache (Anthropic); default `input`. */
  cacheWrite?: number;
}

export interface InitOptions {
  /** Enables export to the AgentOps backend. Default `AGENTOPS_API_KEY`. */
  apiKey?: string;
  /** Base URL of the vendor API (auth exchange). Default `https://api.agentops.ai`. */
  apiEndpoint?: string;
  /** Vendor OTLP traces endpoint. Default `https://otlp.agentops.ai/v1/traces`. */
  exporterEndpoint?: string;
  /** Base URL of the session viewer, used for `session.url`. Default `https://app.agentops.ai`. */
  appUrl?: string;
  /**
   * Extra span exporters; each gets its own batching processor. `'console'` adds a console exporter,
   * `'otlp'` the collector destination configured by the `OTEL_EXPORTER_OTLP_*` variables.
   */
  exporters?: Array<SpanExporter | 'console' | 'otlp'>;
  serviceName?: string;
  serviceVersion?: string;
  /** `deployment.environment.name`. Default `AGENTOPS_ENVIRONMENT`. */
  environment?: string;
  resourceAttributes?: Attributes;
  /** Record prompts, completions, tool arguments and results. Default on. */
  captureContent?: boolean;
  /** Allow plain `http://` endpoints to hosts other than loopback. Default off. */
  insecure?: boolean;
  /** `false` turns every call into a cheap no-op. */
  enabled?: boolean;
  logLevel?: LogLevel;
  /** Receives the SDK's diagnostics instead of stderr. */
  logger?: Logger;
  /** Log each session's viewer URL at start and end (only when sending to the vendor). Default on. */
  logSessionUrl?: boolean;
  /** Start a session at `init()` that ends at `shutdown()`. Default on. */
  autoStartSession?: boolean;
  /** Tags added to every session. */
  defaultTags?: string[];
  spanLimits?: SpanLimitOptions;
  batch?: BatchOptions;
  delivery?: DeliveryOptions;
  /** `false` turns metrics off (the Meter becomes a no-op); an object tunes them. Default on. */
  metrics?: boolean | MetricsOptions;
  /** Extra metric readers (e.g. a PeriodicExportingMetricReader with your own exporter). */
  metricReaders?: MetricReader[];
  /** Adds or overrides model prices, by model id: `{ 'my-model': { input: 1, output: 2 } }`. */
  pricing?: Record<string, PricingEntry>;
  /**
   * Called with each captured content string (after built-in redaction) and its attribute name;
   * what it returns is recorded instead. If it throws, the value becomes `"<masked: mask failed>"`.
   */
  mask?: (value: string, key: string) => unknown;
  /** Built-in redaction of API keys, bearer tokens, AWS and private keys in captured content. Default on. */
  redact?: boolean;
  /** Sessions open longer than this are ended as `Indeterminate` (reason `stale`). Default 3600000 (1 h); 0 turns it off. */
  sessionTtlMs?: number;
  /** End open sessions and flush on `beforeExit`, SIGTERM and SIGINT. Default on. */
  handleExit?: boolean;
  /** How long the exit flush may take. Default 2000 ms. */
  exitTimeoutMs?: number;
  /** Durable mode: batches that cannot be delivered yet are kept in this directory and survive a restart. Default `AGENTOPS_SPOOL_DIR`. */
  spoolDir?: string;
  /** Keep this fraction of sessions (0..1), decided from the trace id so a session is kept or dropped whole. Default 1. */
  sampleRate?: number;
  /** Your own root sampler (wrapped so that children follow their parent). Overrides `sampleRate`. */
  sampler?: Sampler;
  /** Record sessions with your own provider (add `spanProcessors()` and `SessionIdGenerator` to it). */
  tracerProvider?: TracerProvider;
  /** `false`: an isolated provider and context that never touch the global OpenTelemetry registrations. Default true. */
  global?: boolean;
  /** `agentops.logger` also writes each line here (as `target[level](message, attributes)`). */
  forwardLogs?: Logger;
  /** More OTLP destinations (traces), sharing the one encoding of each batch with the others. */
  destinations?: DestinationOptions[];
  /**
   * LLM client instrumentation. Default: `openai` and `@anthropic-ai/sdk` are patched when loaded
   * with `require` (and as ES modules under `node --import agentops/hook`). `{ openai: OpenAI,
   * anthropic: Anthropic }` patches the classes (or client instances) you hand over, which works
   * the same under CommonJS, ESM and bundlers. `false` patches nothing.
   */
  instrument?: false | InstrumentOptions;
}

export interface DestinationOptions {
  /** Name in `stats()` and logs. Default `otlp[i]`. */
  name?: string;
  /** The full traces URL (HTTP), or `http(s)://host:port` (gRPC). */
  url: string;
  protocol?: 'http/protobuf' | 'http/json' | 'grpc';
  headers?: Record<string, string>;
  compression?: 'gzip' | 'none';
  timeoutMs?: number;
}

export type SamplingSpec =
  | { readonly kind: 'ratio'; readonly ratio: number; readonly parentBased: boolean }
  | { readonly kind: 'always_off'; readonly parentBased: boolean }
  | { readonly kind: 'custom'; readonly sampler: Sampler };

export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi';



export interface Config {
  readonly enabled: boolean;
  readonly apiKey: string | undefined;
  readonly apiEndpoint: string;
  readonly exporterEndpoint: string;
  readonly vendorMetricsEndpoint: string;
  readonly appUrl: string;
  /** Your own collector for traces (`OTLP_EXPORTER_ENDPOINT`, `OTEL_TRACES_EXPORTER=otlp`, `exporters: ['otlp']`). */
  readonly collectorTraces: OtlpTarget | undefined;
  readonly collectorMetrics: OtlpTarget | undefined;
  readonly consoleTraces: boolean;
  readonly consoleMetrics: boolean;
  readonly exporters: readonly SpanExporter[];
  readonly serviceName: string | undefined;
  readonly serviceVersion: string | undefined;
  readonly environment: string | undefined;
  /** `OTEL_RESOURCE_ATTRIBUTES`, parsed. */
  readonly envResourceAttributes: Readonly<Record<string, string>>;
  readonly resourceAttributes: Readonly<Attributes>;
  readonly captureContent: boolean;
  readonly insecure: boolean;
  readonly logSessionUrl: boolean;
  readonly autoStartSession: boolean;
  readonly defaultTags: readonly string[];
  readonly spanLimits: Readonly<Required<SpanLimitOptions>>;
  readonly batch: Readonly<Required<BatchOptions>>;
  readonly delivery: Readonly<Required<DeliveryOptions>>;
  readonly metricsEnabled: boolean;
  readonly metrics: Readonly<Required<MetricsOptions>>;
  readonly metricReaders: readonly MetricReader[];
  readonly pricing: Readonly<Record<string, PricingEntry>>;
  readonly mask: ((value: string, key: string) => unknown) | undefined;
  readonly redact: boolean;
  readonly sessionTtlMs: number;
  readonly handleExit: boolean;
  readonly exitTimeoutMs: number;
  readonly spoolDir: string | undefined;
  readonly sampling: SamplingSpec;
  readonly tracerProvider: TracerProvider | undefined;
  readonly global: boolean;
  readonly propagators: readonly PropagatorName[];
  readonly forwardLogs: Logger | undefined;
  /** Extra OTLP trace destinations (`destinations`). */
  readonly destinations: ReadonlyArray<OtlpTarget & { readonly name: string }>;
  readonly instrument: InstrumentConfig;
}

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

function envMessage(name: string, value: string, accepted: string, fallback: string): string {
  return `environment variable ${name}=${JSON.stringify(value)} is not valid (accepted: ${accepted}); using ${fallback}`;
}

/** Reads the environment, reporting each bad value once and falling back. */
class EnvReader {
  constructor(private readonly env: Env, private readonly logger: SdkLogger) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  bad(name: string, accepted: string, fallback: string): undefined {
    this.logger.once(`env:${name}`, 'warn', envMessage(name, this.env[name] ?? '', accepted, fallback));
    return undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const l = v.toLowerCase();
    if (l === 'true' || l === '1' || l === 'yes' || l === 'on') return true;
    if (l === 'false' || l === '0' || l === 'no' || l === 'off') return false;
    return this.bad(name, 'true or false', 'the default');
  }

  int(name: string, min: number): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    // Number('') is 0 and Number('1e3') is 1000: accept only plain digits so a typo cannot become a value.
    if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
      return this.bad(name, `an integer >= ${min}`, 'the default');
    }
    return Number(v);
  }

  url(name: string, insecure: boolean): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const problem = urlProblem(v, insecure);
    if (problem) return this.bad(name, problem, 'the default');
    return stripSlash(v);
  }
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
  rejectUnknown(deliveryIn, 'delivery', ['maxBufferBytes', 'requestTimeoutMs', 'initialRetryDelayMs', 'maxRetryDelayMs', 'concurrency']);
  const delivery = {
    maxBufferBytes: optInt(deliveryIn, 'maxBufferBytes', 1024, 'delivery.') ?? 64 * 1024 * 1024,
    requestTimeoutMs: optInt(deliveryIn, 'requestTimeoutMs', 1, 'delivery.') ?? 10000,
    initialRetryDelayMs: optInt(deliveryIn, 'initialRetryDelayMs', 1, 'delivery.') ?? 500,
    maxRetryDelayMs: optInt(deliveryIn, 'maxRetryDelayMs', 1, 'delivery.') ?? 5000,
    concurrency: optInt(deliveryIn, 'concurrency', 1, 'delivery.') ?? 4,
  };

  let metricsEnabled = true;
  let metricsIn: Record<string, unknown> = {};
  if (o.metrics !== undefined) {
    if (typeof o.metrics === 'boolean') metricsEnabled = o.metrics;
    else metricsIn = optObject(o, 'metrics') ?? {};
  }
  rejectUnknown(metricsIn, 'metrics', ['exportIntervalMillis', 'exportTimeoutMillis', 'cardinalityLimit']);
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
    delivery: Object.freeze(delivery),
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

const RESERVED_DESTINATION_NAMES = new Set(['vendor', 'collector']);

function optDestinations(o: Record<string, unknown>, insecure: boolean, timeoutDefault: number): Array<OtlpTarget & { name: string }> {
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

function optMetricReaders(o: Record<string, unknown>): MetricReader[] | undefined {
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

function optPricing(o: Record<string, unknown>): Record<string, PricingEntry> | undefined {
  const v = optObject(o, 'pricing');
  if (v === undefined) return undefined;
  const out: Record<string, PricingEntry> = {};
  for (const [model, entry] of Object.entries(v)) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new AgentOpsConfigError(`pricing.${model}`, 'an object { input, output, cachedInput? } in USD per million tokens', entry);
    }
    const p = entry as Record<string, unknown>;
    rejectUnknown(p, `pricing.${model}`, ['input', 'output', 'cachedInput', 'cacheWrite']);
    for (const k of ['input', 'output', 'cachedInput', 'cacheWrite']) {
      const n = p[k];
      if (n === undefined && (k === 'cachedInput' || k === 'cacheWrite')) continue;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        throw new AgentOpsConfigError(`pricing.${model}.${k}`, 'a number >= 0 (USD per million tokens)', n);
      }
    }
    out[model] = {
      input: p.input as number,
      output: p.output as number,
      ...(p.cachedInput !== undefined ? { cachedInput: p.cachedInput as number } : {}),
      ...(p.cacheWrite !== undefined ? { cacheWrite: p.cacheWrite as number } : {}),
    };
  }
  return out;
}

// ---- option validators: each throws AgentOpsConfigError naming the option ----

function optBool(o: Record<string, unknown>, name: string): boolean | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new AgentOpsConfigError(name, 'a boolean', v);
  return v;
}

function optString(o: Record<string, unknown>, name: string, secret = false, prefix = ''): string | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    // Never echo a secret back, even a malformed one.
    const shown = secret && typeof v === 'string' ? `a blank string of length ${v.length}` : undefined;
    throw new AgentOpsConfigError(prefix + name, 'a non-empty string', v, shown);
  }
  return v.trim();
}

function optInt(o: Record<string, unknown>, name: string, min: number, prefix = ''): number | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new AgentOpsConfigError(prefix + name, `an integer >= ${min}`, v);
  }
  return v;
}

function optObject(o: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new AgentOpsConfigError(name, 'an object', v);
  return v as Record<string, unknown>;
}

function rejectUnknown(o: Record<string, unknown>, parent: string, known: string[]): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k) && o[k] !== undefined) {
      throw new AgentOpsConfigError(`${parent}.${k}`, `one of ${known.map((n) => `${parent}.${n}`).join(', ')}`, o[k]);
    }
  }
}

function optInstrument(o: Record<string, unknown>): InstrumentConfig {
  const v = o.instrument;
  if (v === undefined) return Object.freeze({ auto: true, targets: Object.freeze([]) });
  if (v === false) return Object.freeze({ auto: false, targets: Object.freeze([]) });
  const accepted = 'false, or an object { openai?, anthropic? } holding the classes (or client instances) to patch';
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new AgentOpsConfigError('instrument', accepted, v);
  const given = v as Record<string, unknown>;
  rejectUnknown(given, 'instrument', ['openai', 'anthropic']);
  const targets: object[] = [];
  if (given.openai !== undefined) {
    if (!isOpenAITarget(given.openai)) {
      throw new AgentOpsConfigError('instrument.openai', "the OpenAI class (import OpenAI from 'openai'), its module, or an OpenAI client instance", given.openai);
    }
    targets.push(given.openai as object);
  }
  if (given.anthropic !== undefined) {
    if (!isAnthropicTarget(given.anthropic)) {
      throw new AgentOpsConfigError('instrument.anthropic', "the Anthropic class (import Anthropic from '@anthropic-ai/sdk'), its module, or an Anthropic client instance", given.anthropic);
    }
    targets.push(given.anthropic as object);
  }
  return Object.freeze({ auto: true, targets: Object.freeze(targets) });
}

function optStringArray(o: Record<string, unknown>, name: string): string[] | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((t) => typeof t !== 'string')) {
    throw new AgentOpsConfigError(name, 'an array of strings', v);
  }
  return [...(v as string[])];
}

function optUrl(o: Record<string, unknown>, name: string, insecure: boolean, prefix = ''): string | undefined {
  const v = optString(o, name, false, prefix);
  if (v === undefined) return undefined;
  const problem = urlProblem(v, insecure);
  if (problem) throw new AgentOpsConfigError(prefix + name, problem, v);
  return stripSlash(v);
}

function optAttributes(o: Record<string, unknown>, name: string): Attributes | undefined {
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

function optExporters(o: Record<string, unknown>): { exporters: SpanExporter[]; names: Array<'console' | 'otlp'> } | undefined {
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

// ---- URLs ----

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith('.localhost');
}

/** Why `value` cannot be an endpoint, as the "accepted" half of an error message; undefined when it can. */
export function urlProblem(value: string, insecure: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'an absolute http(s) URL';
  if (url.protocol === 'http:' && !insecure && !isLoopbackHost(url.hostname)) {
    return 'an https:// URL (plain http:// is only allowed to loopback hosts unless `insecure` / OTEL_EXPORTER_OTLP_INSECURE=true)';
  }
  return undefined;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The vendor's metrics endpoint: same host as its traces endpoint, path `/v1/metrics`. */
export function siblingMetricsUrl(tracesUrl: string): string {
  const u = new URL(tracesUrl);
  u.pathname = u.pathname.endsWith('/v1/traces') ? u.pathname.replace(/\/v1\/traces$/, '/v1/metrics') : '/v1/metrics';
  return u.toString().replace(/\/+$/, '');
}

/** `OTEL_RESOURCE_ATTRIBUTES`: `key1=value1,key2=value2`, values percent-encoded (OpenTelemetry spec). */
export function parseResourceAttributes(raw: string | undefined, logger: SdkLogger): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (key === '') {
      logger.once('env:OTEL_RESOURCE_ATTRIBUTES', 'warn', envMessage('OTEL_RESOURCE_ATTRIBUTES', raw, 'key=value pairs separated by commas', 'the valid pairs only'));
      continue;
    }
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      logger.once('env:OTEL_RESOURCE_ATTRIBUTES', 'warn', envMessage('OTEL_RESOURCE_ATTRIBUTES', raw, 'percent-encoded values', 'the raw value'));
    }
    out[key] = value;
  }
  return out;
}
