/**
 * OTLP/HTTP request bodies -> rows to store, and the answers the OTLP specification asks for:
 * protobuf or JSON (by Content-Type), a body that cannot be decoded is a 400 with a Status
 * message, spans that cannot be stored (bad ids, impossible times) are left out and reported as
 * a partial success inside a 200.
 */
import { MetricsResponse, RpcStatus, TraceResponse, decodeMetricsRequest, splitTraceRequest, type DecodedMetric, type SpanGroup } from './otlp/otlp-decode';
import { decodeMetricsRequestJson, traceRequestJsonToProtobuf } from './otlp/otlp-json';
import { SERVICE_NAME } from 'agentops/semconv';
import { SPAN_RECORD_KEYS, spanProblem, toSpanRecord, type SpanRecord } from './span-record';

export type OtlpFormat = 'protobuf' | 'json';
export type Signal = 'traces' | 'metrics';

/** The body's format from its Content-Type, or undefined for one OTLP/HTTP does not define. */
export function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (t === 'application/x-protobuf' || t === 'application/protobuf') return 'protobuf';
  if (t === 'application/json') return 'json';
  return undefined;
}

export type Parsed<T> = { kind: 'ok'; items: T; rejected: number; message: string } | { kind: 'bad'; message: string };

const MAX_NS = (1n << 63n) - 1n;

function parseJson(body: Buffer): unknown {
  return JSON.parse(body.toString('utf8')) as unknown;
}

function describe(err: unknown): string {
  const m = (err as { message?: unknown }).message;
  return typeof m === 'string' ? m.slice(0, 300) : 'undecodable';
}

export interface ParsedSpans {
  spans: SpanRecord[];
  /** Resource attributes as JSON, one per ResourceSpans; spans refer to them by index. */
  resources: string[];
  /** The request as OTLP/protobuf: each span's stored bytes are a range of it. */
  body: Uint8Array;
}

export function parseTraces(raw: Buffer, format: OtlpFormat): Parsed<ParsedSpans> {
  let body: Buffer;
  let groups: SpanGroup[];
  try {
    // JSON is turned into the protobuf request first, so both encodings take one path from here.
    if (format === 'json') {
      const encoded = traceRequestJsonToProtobuf(parseJson(raw));
      body = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    } else body = raw;
    groups = splitTraceRequest(body, SPAN_RECORD_KEYS);
  } catch (err) {
    return { kind: 'bad', message: `cannot decode the ${format === 'json' ? 'OTLP/JSON' : 'OTLP/protobuf'} traces request: ${describe(err)}` };
  }
  const records: SpanRecord[] = [];
  const resources: string[] = [];
  // Every group of one ResourceSpans shares its resource object: serialise it once.
  const resourceIndex = new Map<object, number>();
  let rejected = 0;
  let firstProblem = '';
  for (const g of groups) {
    let resource = resourceIndex.get(g.resource);
    if (resource === undefined) {
      resource = resources.push(JSON.stringify(g.resource)) - 1;
      resourceIndex.set(g.resource, resource);
    }
    const where = { bodyStart: 0, bodyEnd: 0, resource, serviceName: g.resource[SERVICE_NAME], scope: g.scope };
    for (const slice of g.spans) {
      const s = slice.span;
      const problem = spanProblem(s);
      if (problem !== undefined) {
        rejected++;
        firstProblem ||= `span ${JSON.stringify(s.name)}: ${problem}`;
        continue;
      }
      where.bodyStart = slice.start;
      where.bodyEnd = slice.end;
      records.push(toSpanRecord(s, where));
    }
  }
  const message = rejected === 0 ? '' : `${rejected} span(s) rejected; first: ${firstProblem}`;
  return { kind: 'ok', items: { spans: records, resources, body }, rejected, message };
}

export function parseMetrics(body: Buffer, format: OtlpFormat): Parsed<DecodedMetric[]> {
  let metrics: DecodedMetric[];
  try {
    metrics = format === 'json' ? decodeMetricsRequestJson(parseJson(body)) : decodeMetricsRequest(body);
  } catch (err) {
    return { kind: 'bad', message: `cannot decode the ${format === 'json' ? 'OTLP/JSON' : 'OTLP/protobuf'} metrics request: ${describe(err)}` };
  }
  let rejected = 0;
  for (const m of metrics) {
    const before = m.points.length;
    m.points = m.points.filter((p) => {
      const start = BigInt(p.startTimeUnixNano);
      const time = BigInt(p.timeUnixNano);
      return start <= MAX_NS && time <= MAX_NS && start >= -MAX_NS && time >= -MAX_NS;
    });
    rejected += before - m.points.length;
  }
  const message = rejected === 0 ? '' : `${rejected} data point(s) rejected: timestamps must fit in a signed 64-bit integer`;
  return { kind: 'ok', items: metrics, rejected, message };
}

/** The success body: an Export*ServiceResponse, with `partial_success` only when something was rejected. */
export function successBody(signal: Signal, format: OtlpFormat, rejected: number, message: string): Buffer {
  const partial = rejected === 0 ? undefined : signal === 'traces' ? { rejected_spans: rejected, error_message: message } : { rejected_data_points: rejected, error_message: message };
  if (format === 'json') {
    const p = partial === undefined ? undefined : signal === 'traces' ? { rejectedSpans: String(rejected), errorMessage: message } : { rejectedDataPoints: String(rejected), errorMessage: message };
    return Buffer.from(JSON.stringify(p === undefined ? {} : { partialSuccess: p }));
  }
  const type = signal === 'traces' ? TraceResponse : MetricsResponse;
  return Buffer.from(type.encode(type.fromObject(partial === undefined ? {} : { partial_success: partial })).finish());
}

/** A failure body: google.rpc.Status, as OTLP/HTTP asks for 4xx and 5xx answers. */
export function statusBody(format: OtlpFormat, grpcCode: number, message: string): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify({ code: grpcCode, message }));
  return Buffer.from(RpcStatus.encode(RpcStatus.fromObject({ code: grpcCode, message })).finish());
}

/** gRPC status codes used in Status bodies. */
export const GRPC = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAUTHENTICATED: 16, UNAVAILABLE: 14, INTERNAL: 13 } as const;
