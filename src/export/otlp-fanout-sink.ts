/**
 * Encodes each batch ONCE as OTLP protobuf and hands the same bytes to every OTLP destination;
 * serialising per destination would multiply the export cost by the number of destinations.
 * Taking a batch is synchronous: once the bytes are queued, the batch processor is done.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { BatchSink } from './batching-span-processor';
import type { DeliveryQueue } from './delivery-queue';
import type { DropReason } from './destination-stats';

export class OtlpFanoutSink implements BatchSink {
  constructor(
    readonly destinations: readonly DeliveryQueue[],
    private readonly onEncodeFailure: (reason: DropReason, spans: number) => void,
  ) {}

  exportBatch(spans: ReadableSpan[]): void | Promise<void> {
    if (this.destinations.length === 0) return;
    // Resource attributes from async detectors must settle before encoding (user-built providers).
    let pending: Promise<void>[] | undefined;
    for (const s of spans) {
      const r = s.resource;
      if (r.asyncAttributesPending && r.waitForAsyncAttributes) (pending ??= []).push(r.waitForAsyncAttributes());
    }
    if (pending) return Promise.all(pending).then(() => this.encodeAndQueue(spans), () => this.encodeAndQueue(spans));
    this.encodeAndQueue(spans);
  }

  private encodeAndQueue(spans: ReadableSpan[]): void {
    let body: Uint8Array | undefined;
    try {
      body = ProtobufTraceSerializer.serializeRequest(spans);
    } catch {
      body = undefined;
    }
    if (body === undefined) {
      this.onEncodeFailure('non_retryable', spans.length);
      return;
    }
    const batch = { body, spans: spans.length };
    for (const d of this.destinations) d.enqueue(batch);
  }

  async flush(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all(this.destinations.map((d) => d.flush(timeoutMs)));
    return results.every(Boolean);
  }

  async shutdown(timeoutMs: number): Promise<void> {
    await Promise.all(this.destinations.map((d) => d.shutdown(timeoutMs)));
  }
}
