/**
 * Metrics as OTLP protobuf, encoded once per collection and queued to every metric destination
 * (the vendor, the collector), each with its own delivery queue, retries and counters.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Destination } from './otlp-fanout-sink';

export class OtlpFanoutMetricExporter implements PushMetricExporter {
  constructor(readonly destinations: readonly Destination[]) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const points = dataPoints(metrics);
    if (points === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    let protobuf: Uint8Array | undefined;
    let json: Uint8Array | undefined;
    try {
      if (this.destinations.some((d) => d.encoding === 'protobuf')) protobuf = ProtobufMetricsSerializer.serializeRequest(metrics);
      if (this.destinations.some((d) => d.encoding === 'json')) json = JsonMetricsSerializer.serializeRequest(metrics);
    } catch (err) {
      resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
      return;
    }
    for (const d of this.destinations) {
      const body = d.encoding === 'json' ? json : protobuf;
      if (body !== undefined) d.queue.enqueue({ body, spans: points });
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  // The delivery queues are flushed and shut down by the client, with its deadline.
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
}

function dataPoints(metrics: ResourceMetrics): number {
  let n = 0;
  for (const scope of metrics.scopeMetrics) for (const m of scope.metrics) n += m.dataPoints.length;
  return n;
}
