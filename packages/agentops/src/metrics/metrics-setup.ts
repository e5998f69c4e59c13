/**
 * The MeterProvider and its readers: one PeriodicExportingMetricReader whose exporter encodes once
 * for every OTLP metric destination (the vendor's `/v1/metrics` with the same token as traces, the
 * `OTLP_EXPORTER_ENDPOINT` collector), a console reader when `OTEL_METRICS_EXPORTER` asks for it, a
 * Prometheus scrape endpoint (`@opentelemetry/exporter-prometheus`) when `metrics.prometheus` or
 * `OTEL_METRICS_EXPORTER=prometheus` asks for it, and the readers passed in `metricReaders`. Without metrics or without any destination: no provider,
 * and the NoOpMeter.
 */
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality, ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricProducer, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { Config } from '../config';
import { DeliveryQueue } from '../export/delivery-queue';
import { newDestinationStats, type DestinationStats } from '../export/destination-stats';
import { collectorTransport, encodingOf } from '../export/collector-transport';
import { HttpTransport } from '../export/http-transport';
import { OtlpFanoutMetricExporter } from '../export/otlp-metric-exporter';
import type { Destination } from '../export/otlp-fanout-sink';
import type { VendorAuth } from '../export/vendor-auth';
import { VendorTransport } from '../export/vendor-transport';
import type { SdkLogger } from '../log';
import { USER_AGENT, VERSION } from '../version';
import { settledWithin } from '../deadline';
import { GenAiMetrics } from './genai-metrics';
import { NOOP_METER, type Meter } from './meter';
import { MeterFacade } from './meter-facade';

export interface MetricsSetup {
  readonly meter: Meter;
  readonly genai: GenAiMetrics | undefined;
  readonly destinations: readonly DestinationStats[];
  flush(timeoutMs: number): Promise<boolean>;
  shutdown(timeoutMs: number): Promise<void>;
}

const NONE: MetricsSetup = {
  meter: NOOP_METER,
  genai: undefined,
  destinations: [],
  flush: () => Promise.resolve(true),
  shutdown: () => Promise.resolve(),
};

export function buildMetrics(config: Config, resource: Resource, auth: VendorAuth | undefined, logger: SdkLogger): MetricsSetup {
  if (!config.enabled || !config.metricsEnabled) return NONE;
  const queueOptions = {
    maxBufferBytes: config.delivery.maxBufferBytes,
    concurrency: 1,
    initialRetryDelayMs: config.delivery.initialRetryDelayMs,
    maxRetryDelayMs: config.delivery.maxRetryDelayMs,
    unit: 'metric data points',
  };
  const httpOptions = (url: string): ConstructorParameters<typeof HttpTransport>[0] => ({
    url,
    contentType: 'application/x-protobuf',
    timeoutMs: config.delivery.requestTimeoutMs,
    connections: 1,
    userAgent: USER_AGENT,
    signal: 'metrics',
  });
  const destinations: Destination[] = [];
  if (auth !== undefined) {
    const transport = new VendorTransport(new HttpTransport(httpOptions(config.vendorMetricsEndpoint)), auth);
    destinations.push({ queue: new DeliveryQueue('vendor', transport, queueOptions, newDestinationStats('vendor'), logger), encoding: 'protobuf' });
  }
  if (config.collectorMetrics !== undefined) {
    const transport = collectorTransport(config.collectorMetrics, 'metrics', 1, logger);
    destinations.push({ queue: new DeliveryQueue('collector', transport, queueOptions, newDestinationStats('collector'), logger), encoding: encodingOf(config.collectorMetrics) });
  }
  const queues = destinations.map((d) => d.queue);

  const interval = { exportIntervalMillis: config.metrics.exportIntervalMillis, exportTimeoutMillis: config.metrics.exportTimeoutMillis };
  // The SDK's own limit is a backstop; the facade and the built-ins cap attribute sets first.
  const cardinalityLimits = { default: config.metrics.cardinalityLimit + 1 };
  const cap = config.metrics.cardinalityLimit;
  const genai = new GenAiMetrics(cap, logger);
  const metricProducers = [genai.producerFor(AggregationTemporality.CUMULATIVE)];
  const readers: MetricReader[] = [];
  if (destinations.length > 0) readers.push(new PeriodicExportingMetricReader({ exporter: new OtlpFanoutMetricExporter(destinations), cardinalityLimits, metricProducers, ...interval }));
  if (config.consoleMetrics) readers.push(new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), cardinalityLimits, metricProducers, ...interval }));
  if (config.prometheus !== undefined) readers.push(prometheusReader(config.prometheus, metricProducers, logger));
  for (const reader of config.metricReaders) {
    if (!genai.attachTo(reader)) logger.once('metrics:attach', 'warn', 'a reader passed in metricReaders does not accept extra metric producers: it gets your own metrics but not the built-in GenAI ones');
    readers.push(reader);
  }
  if (readers.length === 0) return NONE;

  const provider = new MeterProvider({ resource, readers });
  const otelMeter = provider.getMeter('agentops', VERSION);
  let closed = false;

  const flushQueues = async (timeoutMs: number): Promise<boolean> => (await Promise.all(queues.map((q) => q.flush(timeoutMs)))).every(Boolean);
  return {
    meter: new MeterFacade(otelMeter, logger, cap),
    genai,
    destinations: queues.map((q) => q.stats),
    async flush(timeoutMs) {
      if (closed) return true;
      const deadline = Date.now() + timeoutMs;
      const collected = await settledWithin(provider.forceFlush({ timeoutMillis: timeoutMs }), timeoutMs);
      const delivered = await flushQueues(Math.max(deadline - Date.now(), 0));
      return collected && delivered;
    },
    async shutdown(timeoutMs) {
      if (closed) return;
      closed = true;
      const deadline = Date.now() + timeoutMs;
      // The final collection puts the last values into the queues before they are drained.
      await settledWithin(provider.shutdown({ timeoutMillis: timeoutMs }), timeoutMs);
      await Promise.all(queues.map((q) => q.shutdown(Math.max(deadline - Date.now(), 0))));
    },
  };
}


/**
 * The scrape endpoint. Its server is unref'd (it never keeps the process alive); a port in use or
 * any other listen error is reported once and the agent goes on without it.
 */
function prometheusReader(target: { host: string; port: number }, metricProducers: MetricProducer[], logger: SdkLogger): MetricReader {
  const where = `http://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}/metrics`;
  return new PrometheusExporter({ host: target.host, port: target.port, metricProducers }, (err) => {
    if (err) logger.once('metrics:prometheus', 'error', `cannot serve metrics for Prometheus at ${where} (${(err as NodeJS.ErrnoException).code ?? err.message}); the other metric destinations are not affected`);
    else logger.debug(`metrics for Prometheus at ${where}`);
  });
}
