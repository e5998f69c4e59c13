/**
 * The export pipeline of DESIGN section 5, built from a Config:
 *
 *   BatchingSpanProcessor -> OtlpFanoutSink (encode once) -> DeliveryQueue per OTLP destination
 *   BatchingSpanProcessor -> ExporterSink, one per exporter the user passed
 *
 * Each destination has its own queue, retries and counters.
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Config } from '../config';
import type { SdkLogger } from '../log';
import { USER_AGENT } from '../version';
import { BatchingSpanProcessor } from './batching-span-processor';
import { DeliveryQueue, type DropListener } from './delivery-queue';
import { newDestinationStats, type DestinationStats, type DropReason } from './destination-stats';
import { ExporterSink } from './exporter-sink';
import { HttpTransport } from './http-transport';
import { ConsoleSpanExporter } from '@opentelemetry/sdk-trace';
import { collectorTransport, encodingOf } from './collector-transport';
import { OtlpFanoutSink, type Destination } from './otlp-fanout-sink';
import { Spool } from './spool';
import { VendorAuth } from './vendor-auth';
import { VendorTransport } from './vendor-transport';

export interface Pipeline {
  readonly processors: readonly SpanProcessor[];
  readonly destinations: readonly DestinationStats[];
  readonly auth: VendorAuth | undefined;
  /** Sends everything ended so far; true when every destination confirmed within the timeout. */
  flush(timeoutMs: number): Promise<boolean>;
  shutdown(timeoutMs: number): Promise<void>;
  addDropListener(listener: DropListener): void;
}

export function buildPipeline(config: Config, logger: SdkLogger): Pipeline {
  const destinationsOut: Destination[] = [];
  const dropListeners: DropListener[] = [];
  const notifyDrop = (destination: string, reason: DropReason, spans: number): void => {
    for (const l of dropListeners) {
      try {
        l(destination, reason, spans);
      } catch {
        /* listeners never break export */
      }
    }
  };
  /** Every drop: counted in the destination's stats, reported to the listeners (the dropped-spans metric), logged at most once a minute. */
  const countDrop = (stats: DestinationStats, what: string, reason: DropReason, spans: number): void => {
    stats.spansDropped[reason] += spans;
    notifyDrop(stats.name, reason, spans);
    logger.throttled(`drop:${stats.name}:${reason}`, 60_000, 'warn', `${what} ${stats.name} dropped ${spans} spans (${reason}${stats.lastError && reason === 'export_failed' ? `: ${stats.lastError}` : ''}); see client.stats()`);
  };
  const queueOptions = {
    maxBufferBytes: config.delivery.maxBufferBytes,
    concurrency: config.delivery.concurrency,
    initialRetryDelayMs: config.delivery.initialRetryDelayMs,
    maxRetryDelayMs: config.delivery.maxRetryDelayMs,
  };

  const spoolFor = (destination: string): Spool | undefined => {
    if (config.spoolDir === undefined) return undefined;
    try {
      return new Spool(config.spoolDir, destination, logger);
    } catch (err) {
      logger.error(`spool directory ${config.spoolDir} cannot be used (${String(err)}); destination ${destination} keeps undelivered batches in memory only`);
      return undefined;
    }
  };

  let auth: VendorAuth | undefined;
  if (config.apiKey !== undefined) {
    auth = new VendorAuth(config.apiEndpoint, config.apiKey, config.delivery.requestTimeoutMs, USER_AGENT, logger);
    // Start the exchange now: spans that end before the token arrives wait in the vendor's queue.
    void auth.getToken();
    const http = new HttpTransport({
      url: config.exporterEndpoint,
      contentType: 'application/x-protobuf',
      timeoutMs: config.delivery.requestTimeoutMs,
      connections: config.delivery.concurrency,
      userAgent: USER_AGENT,
    });
    const queue = new DeliveryQueue('vendor', new VendorTransport(http, auth), queueOptions, newDestinationStats('vendor'), logger, spoolFor('vendor'));
    destinationsOut.push({ queue, encoding: 'protobuf' });
  }
  const collector = config.collectorTraces;
  if (collector !== undefined) {
    const transport = collectorTransport(collector, 'traces', config.delivery.concurrency, logger);
    const queue = new DeliveryQueue('collector', transport, queueOptions, newDestinationStats('collector'), logger, spoolFor('collector'));
    destinationsOut.push({ queue, encoding: encodingOf(collector) });
  }
  for (const target of config.destinations) {
    const transport = collectorTransport(target, 'traces', config.delivery.concurrency, logger);
    const queue = new DeliveryQueue(target.name, transport, queueOptions, newDestinationStats(target.name), logger, spoolFor(target.name));
    destinationsOut.push({ queue, encoding: encodingOf(target) });
  }
  const queues = destinationsOut.map((d) => d.queue);
  for (const q of queues) q.addDropListener(notifyDrop);

  const processors: BatchingSpanProcessor[] = [];
  const batching = {
    maxQueueSize: config.batch.maxQueueSize,
    maxExportBatchSize: config.batch.maxExportBatchSize,
    scheduledDelayMillis: config.batch.scheduledDelayMillis,
    exportTimeoutMillis: config.batch.exportTimeoutMillis,
  };
  if (queues.length > 0) {
    // Spans the batching queue drops never reach any destination.
    const dropAll = (reason: DropReason, spans: number): void => {
      for (const q of queues) countDrop(q.stats, 'destination', reason, spans);
    };
    const sink = new OtlpFanoutSink(destinationsOut, (d, reason, spans) => countDrop(d.queue.stats, 'destination', reason, spans), config.delivery.maxRequestBytes);
    processors.push(new BatchingSpanProcessor(sink, batching, dropAll));
  }

  const destinations: DestinationStats[] = queues.map((q) => q.stats);
  const exporters = config.consoleTraces ? [...config.exporters, new ConsoleSpanExporter()] : config.exporters;
  exporters.forEach((exporter, i) => {
    const name = `exporter[${i}]${exporterName(exporter)}`;
    const stats = newDestinationStats(name);
    destinations.push(stats);
    const drop = (reason: DropReason, spans: number): void => countDrop(stats, 'exporter', reason, spans);
    processors.push(new BatchingSpanProcessor(new ExporterSink(exporter, stats, config.batch.exportTimeoutMillis, drop), batching, drop));
  });

  return {
    processors,
    destinations,
    auth,
    async flush(timeoutMs) {
      const results = await Promise.all(processors.map((p) => p.flush(timeoutMs)));
      return results.every(Boolean);
    },
    async shutdown(timeoutMs) {
      await Promise.all(processors.map((p) => p.shutdownWithin(timeoutMs)));
      if (auth) await auth.close();
    },
    addDropListener(listener) {
      dropListeners.push(listener);
    },
  };
}

function exporterName(exporter: object): string {
  try {
    const n = exporter.constructor?.name;
    return n && n !== 'Object' ? `:${n}` : '';
  } catch {
    return '';
  }
}
