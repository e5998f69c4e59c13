/**
 * OTLP/JSON requests (already parsed) decoded like OTLP/protobuf ones: json-transcode.js and
 * json-metrics.js write the same request as protobuf bytes (checking every type strictly), which
 * otlp-decode.ts reads. The backend transcodes on a thread of its own (json-worker.js); these are
 * for callers that already hold the parsed JSON.
 */
import { decodeMetricsRequest, decodeTraceRequest, type DecodedMetric, type DecodedSpan } from './otlp-decode';

interface Transcoder {
  traceRequest(body: unknown): Uint8Array;
  OtlpJsonError: new (path: string, expected: string, got: unknown) => Error & { path: string };
}
// Plain JavaScript, so that the JSON thread loads it from the sources and from the build alike.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transcoder = require('./json-transcode') as Transcoder;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { metricsRequest } = require('./json-metrics') as { metricsRequest(body: unknown): Uint8Array };

/** The body is JSON but not an OTLP request; `path` says where (`resourceSpans[0].scopeSpans[1].spans[2].name`). */
export const OtlpJsonError = transcoder.OtlpJsonError;

/** OTLP/JSON `ExportTraceServiceRequest` (already parsed) -> the same request as OTLP/protobuf bytes. Throws `OtlpJsonError`. */
export function traceRequestJsonToProtobuf(body: unknown): Uint8Array {
  return transcoder.traceRequest(body);
}

/** OTLP/JSON `ExportTraceServiceRequest` (already parsed) -> decoded spans. Throws `OtlpJsonError`. */
export function decodeTraceRequestJson(body: unknown): DecodedSpan[] {
  return decodeTraceRequest(traceRequestJsonToProtobuf(body));
}

/** OTLP/JSON `ExportMetricsServiceRequest` (already parsed) -> decoded metrics. Throws `OtlpJsonError`. */
export function decodeMetricsRequestJson(body: unknown): DecodedMetric[] {
  return decodeMetricsRequest(metricsRequest(body));
}
