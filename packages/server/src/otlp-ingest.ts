/**
 * OTLP/HTTP request bodies -> rows to store, and the answers the OTLP specification asks for:
 * protobuf or JSON (by Content-Type), a body that cannot be decoded is a 400 with a Status
 * message, one past a limit (ingest-limits.ts) a 413 naming it, and spans that cannot be stored
 * (bad ids, impossible times) are left out and reported as a partial success inside a 200.
 *
 * One body is inflated and decoded at a time (decoding runs in slices that let the event loop
 * serve other requests in between, so without this their memory would add up); the others wait
 * as the bytes that came over the wire. OTLP/JSON is first parsed on a thread of its own
 * (json-decoder.ts) into OTLP/protobuf, so both encodings take one path from there.
 */
import { MetricsResponse, RpcStatus, TraceResponse, type DecodedMetric } from './otlp/otlp-decode';
import { decodeMetricsAsync } from './otlp/metrics-split';
import { splitTraceRequestAsync, type SpanGroup } from './otlp/trace-split';
import { ProtobufError } from './otlp/wire';
import { inflated } from './http-body';
import { BadRequest, LimitError, RequestBudget, type IngestLimits } from './ingest-limits';
import { JsonDecoder } from './json-decoder';
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

export interface ParsedSpans {
  spans: SpanRecord[];
  /** Resource attributes as JSON, one per ResourceSpans; spans refer to them by index. */
  resources: string[];
  /** The request as OTLP/protobuf: each span's stored bytes are a range of it. */
  body: Uint8Array;
}

export type Decoded =
  | { kind: 'traces'; items: ParsedSpans; rejected: number; message: string }
  | { kind: 'metrics'; items: DecodedMetric[]; rejected: number; message: string }
  | { kind: 'refused'; status: 400 | 413; message: string };

const MAX_NS = (1n << 63n) - 1n;

function records(groups: SpanGroup[], body: Buffer): Decoded {
  const spans: SpanRecord[] = [];
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
      spans.push(toSpanRecord(s, where));
    }
  }
  const message = rejected === 0 ? '' : `${rejected} span(s) rejected; first: ${firstProblem}`;
  return { kind: 'traces', items: { spans, resources, body }, rejected, message };
}

function points(metrics: DecodedMetric[]): Decoded {
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
  return { kind: 'metrics', items: metrics, rejected, message };
}

export class OtlpDecoder {
  private readonly json: JsonDecoder;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly limits: IngestLimits,
    private readonly maxBodyBytes: number,
    log: (line: string) => void,
  ) {
    this.json = new JsonDecoder(limits, maxBodyBytes, log);
  }

  /** Decodes a body as it came over the wire (`gzip`: still compressed). Never throws for what the client sent. */
  async decode(signal: Signal, format: OtlpFormat, raw: Buffer, gzip: boolean): Promise<Decoded> {
    const what = `the ${format === 'json' ? 'OTLP/JSON' : 'OTLP/protobuf'} ${signal} request`;
    try {
      const protobuf = format === 'json' ? await this.json.toProtobuf(signal, raw, gzip) : undefined;
      return await this.exclusive(async () => {
        const bytes = protobuf ?? (await inflated(raw, gzip, this.maxBodyBytes));
        const budget = new RequestBudget(this.limits, signal === 'traces' ? 'spans' : 'data points');
        return signal === 'traces' ? records(await splitTraceRequestAsync(bytes, SPAN_RECORD_KEYS, budget), bytes) : points(await decodeMetricsAsync(bytes, budget));
      });
    } catch (err) {
      if (err instanceof LimitError) return { kind: 'refused', status: 413, message: err.message };
      if (err instanceof BadRequest || err instanceof ProtobufError) return { kind: 'refused', status: 400, message: `cannot decode ${what}: ${err.message.slice(0, 300)}` };
      throw err;
    }
  }

  close(): Promise<void> {
    return this.json.close();
  }

  /** Runs `fn` once every body before it is decoded. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }
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
