/**
 * Metrics as OTLP protobuf, encoded once per collection and queued to every metric destination
 * (the vendor, the collector), each with its own delivery queue, retries and counters.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { DeliveryQueue } from './delivery-queue';

export class OtlpFanoutMetricExporter implements PushMetricExporter {
  constructor(readonly destinations: readonly DeliveryQueue[]) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    let body: Uint8Array | undefined;
    try {
      body = ProtobufMetricsSerializer.serializeRequest(metrics);
    } catch (err) {
      resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
      return;
    }
    const points = dataPoints(metrics);
    if (body === undefined || points === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const batch = { body, spans: points };
    for (const d of this.destinations) d.enqueue(batch);
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
