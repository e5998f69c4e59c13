/**
 * The partial-success part of an OTLP export answer (traces or metrics, protobuf or JSON), for
 * every transport: how many items the destination refused, and why. An answer that cannot be read
 * counts as full success, as the OTLP specification says of an empty one.
 */
import { ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

export type Signal = 'traces' | 'metrics';

export interface PartialSuccess {
  /** Spans, or metric data points, the destination refused. */
  rejectedSpans?: number;
  rejectMessage?: string;
}

interface Answer {
  partialSuccess?: { rejectedSpans?: unknown; rejectedDataPoints?: unknown; errorMessage?: unknown } | null;
}

export function partialSuccessOf(bytes: Uint8Array | undefined, signal: Signal, json: boolean): PartialSuccess {
  if (bytes === undefined || bytes.length === 0) return {};
  try {
    let answer: Answer;
    if (json) answer = JSON.parse(Buffer.from(bytes).toString('utf8')) as Answer;
    else answer = (signal === 'traces' ? ProtobufTraceSerializer.deserializeResponse(bytes) : ProtobufMetricsSerializer.deserializeResponse(bytes)) as Answer;
    const ps = answer?.partialSuccess;
    const n = Number((signal === 'traces' ? ps?.rejectedSpans : ps?.rejectedDataPoints) ?? 0);
    if (!(n > 0)) return {};
    return { rejectedSpans: n, rejectMessage: typeof ps?.errorMessage === 'string' && ps.errorMessage !== '' ? ps.errorMessage : undefined };
  } catch {
    return {};
  }
}
