/** The public option types of `init()` and `spanProcessors()`: checked by validate.ts, merged with the environment by resolve.ts. */
import type { Attributes, TracerProvider } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
import type { InstrumentOptions } from '../integrations/instrument';
import type { LogLevel, Logger } from '../log';

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
  /**
   * Largest body of one export request. A batch that encodes bigger goes as several requests, and a
   * single span bigger than this is sent with its largest values cut (`agentops.span.truncated`).
   * Default 4 MiB (4194304), at least 65536, at most `maxBufferBytes`.
   */
  maxRequestBytes?: number;
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
  /**
   * Serve the metrics for a Prometheus server to scrape, at `http://{host}:{port}/metrics`
   * (`OTEL_METRICS_EXPORTER=prometheus`, `OTEL_EXPORTER_PROMETHEUS_HOST` / `_PORT`). `true`:
   * `localhost:9464`. A port in use is reported once; the agent and the other destinations go on.
   */
  prometheus?: boolean | { port?: number; host?: string };
}

/** USD per million tokens. */
export interface PricingEntry {
  input: number;
  output: number;
  /** Rate for input tokens served from the provider's cache; default `input`. */
  cachedInput?: number;
  /** Rate for input tokens written to the provider's cache (Anthropic); default `input`. */
  cacheWrite?: number;
  /** Rates for the whole call once its input tokens exceed `aboveInputTokens` (cached rate defaults to `cachedInput`). */
  longContext?: { aboveInputTokens: number; input: number; output: number; cachedInput?: number };
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
