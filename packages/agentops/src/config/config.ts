/** The one validated, frozen Config that `resolveConfig()` builds and the rest of the SDK runs on. */
import type { Attributes, TracerProvider } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
import type { OtlpTarget } from '../otlp-env';
import type { InstrumentConfig } from '../integrations/instrument';
import type { Logger } from '../log';
import type { BatchOptions, DeliveryOptions, MetricsOptions, PricingEntry, SpanLimitOptions } from './options';

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
  /** Where to serve metrics for Prometheus to scrape, when asked (`metrics.prometheus`, `OTEL_METRICS_EXPORTER=prometheus`). */
  readonly prometheus: { readonly host: string; readonly port: number } | undefined;
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
  readonly metrics: Readonly<Required<Omit<MetricsOptions, 'prometheus'>>>;
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
