/**
 * Encodes each batch ONCE as OTLP protobuf (with the span encoder, several times faster than the
 * stock serializer) and hands the same bytes to every OTLP destination;
 * serialising per destination would multiply the export cost by the number of destinations.
 * Taking a batch is synchronous: once the bytes are queued, the batch processor is done. A batch
 * that encodes above the request byte budget goes as several requests (request-splitter.ts).
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { encodeTraceRequest } from '../otlp/span-encoder';
import type { BatchSink } from './batching-span-processor';
import type { Encoding } from './collector-transport';
import type { DeliveryQueue } from './delivery-queue';
import type { DropReason } from './destination-stats';
import { encodeWithin, type EncodedPart } from './request-splitter';

export interface Destination {
  readonly queue: DeliveryQueue;
  /** Protobuf serves http/protobuf and gRPC alike; JSON only http/json. */
  readonly encoding: Encoding;
}

export class OtlpFanoutSink implements BatchSink {
  private readonly needsJson: boolean;
  private readonly needsProtobuf: boolean;

  constructor(
    readonly destinations: readonly Destination[],
    /** Counts, reports and logs a drop at one destination. */
    private readonly onDrop: (destination: Destination, reason: DropReason, spans: number) => void,
    /** Largest request body; bigger batches are split (`delivery.maxRequestBytes`). */
    private readonly maxRequestBytes: number = Number.POSITIVE_INFINITY,
  ) {
    this.needsJson = destinations.some((d) => d.encoding === 'json');
    this.needsProtobuf = destinations.some((d) => d.encoding === 'protobuf');
  }

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
    // Each encoding is produced once per batch, whatever the number of destinations using it.
    const protobuf = this.needsProtobuf ? encode(() => encodeWithin(spans, encodeTraceRequest, this.maxRequestBytes)) : undefined;
    const json = this.needsJson ? encode(() => encodeWithin(spans, serializeJson, this.maxRequestBytes)) : undefined;
    for (const d of this.destinations) {
      const parts = d.encoding === 'json' ? json : protobuf;
      if (parts === undefined) {
        // Only the destinations of the encoding that failed lose the batch.
        this.onDrop(d, 'non_retryable', spans.length);
        continue;
      }
      for (const part of parts) d.queue.enqueue(part);
    }
  }

  async flush(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all(this.destinations.map((d) => d.queue.flush(timeoutMs)));
    return results.every(Boolean);
  }

  async shutdown(timeoutMs: number): Promise<void> {
    await Promise.all(this.destinations.map((d) => d.queue.shutdown(timeoutMs)));
  }
}

function serializeJson(spans: ReadableSpan[]): Uint8Array {
  const body = JsonTraceSerializer.serializeRequest(spans);
  if (body === undefined) throw new Error('the JSON serializer returned nothing');
  return body;
}

function encode(fn: () => EncodedPart[]): EncodedPart[] | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
