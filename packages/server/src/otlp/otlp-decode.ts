/**
 * Decodes OTLP/protobuf export requests into plain objects: ids as lower-case hex, times as
 * nanosecond strings, attributes as JavaScript values. Throws on bytes that are not a valid request.
 */
import protobuf from 'protobufjs';
import { OTLP_PROTO } from './otlp-schema';

const root = protobuf.parse(OTLP_PROTO, { keepCase: true }).root.resolveAll();
export const TraceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
export const MetricsRequest = root.lookupType('otlp.ExportMetricsServiceRequest');
export const TraceResponse = root.lookupType('otlp.ExportTraceServiceResponse');
export const MetricsResponse = root.lookupType('otlp.ExportMetricsServiceResponse');
export const SpanType = root.lookupType('otlp.Span');
/** The data point message of each metric type. */
export const POINT_TYPES = {
  gauge: root.lookupType('otlp.NumberDataPoint'),
  sum: root.lookupType('otlp.NumberDataPoint'),
  histogram: root.lookupType('otlp.HistogramDataPoint'),
  exponential_histogram: root.lookupType('otlp.ExponentialHistogramDataPoint'),
  summary: root.lookupType('otlp.SummaryDataPoint'),
} as const;
/** google.rpc.Status, the body of an OTLP/HTTP error answer. */
export const RpcStatus = root.lookupType('otlp.Status_');

export type AttributeMap = Record<string, unknown>;

export interface DecodedEvent {
  name: string;
  timeUnixNano: string;
  attributes: AttributeMap;
}

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  traceState: string;
  flags: number;
  name: string;
  /** 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: AttributeMap;
  events: DecodedEvent[];
  links: Array<{ traceId: string; spanId: string; attributes: AttributeMap }>;
  /** 0 UNSET, 1 OK, 2 ERROR. */
  status: { code: number; message: string };
  resource: AttributeMap;
  scope: { name: string; version: string };
  droppedAttributesCount: number;
}

export interface DecodedDataPoint {
  attributes: AttributeMap;
  startTimeUnixNano: string;
  timeUnixNano: string;
  /** Gauge / sum points. */
  value?: number;
  /** Histogram points. */
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}

export interface DecodedMetric {
  name: string;
  description: string;
  unit: string;
  type: 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary' | 'unknown';
  /** 1 DELTA, 2 CUMULATIVE. */
  temporality: number;
  isMonotonic: boolean;
  points: DecodedDataPoint[];
  resource: AttributeMap;
  scope: { name: string; version: string };
}

export const TO_OBJECT: protobuf.IConversionOptions = { longs: String, bytes: Buffer as unknown as typeof String, defaults: true, oneofs: true, arrays: true };

type Obj = Record<string, unknown>;

export function hex(b: unknown): string {
  if (b === undefined || b === null) return '';
  return Buffer.isBuffer(b) ? b.toString('hex') : Buffer.from(b as Uint8Array).toString('hex');
}

/**
 * A 64-bit unsigned integer as a decimal string. Decoded messages hold protobufjs Long objects,
 * whose own toString() divides in JavaScript; going through BigInt is several times faster.
 */
function u64(v: unknown): string {
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const l = v as { low: number; high: number };
    return ((BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0)).toString();
  }
  return String(v ?? '0');
}

export function anyValue(v: unknown): unknown {
  if (v === null || v === undefined || typeof v !== 'object') return undefined;
  const o = v as Obj;
  switch (o.value) {
    case 'string_value':
      return o.string_value;
    case 'bool_value':
      return o.bool_value;
    case 'int_value': {
      // A protobufjs Long from a decoded message (its toNumber() is cheap; Number() would go
      // through its slow toString()), or a string / number from the JSON decoder.
      const v = o.int_value as { toNumber?: () => number } | string | number;
      return typeof v === 'object' && v !== null && typeof v.toNumber === 'function' ? v.toNumber() : Number(v);
    }
    case 'double_value':
      return o.double_value;
    case 'array_value':
      return ((o.array_value as Obj | undefined)?.values as unknown[] | undefined ?? []).map(anyValue);
    case 'kvlist_value':
      return keyValues((o.kvlist_value as Obj | undefined)?.values);
    case 'bytes_value':
      return hex(o.bytes_value);
    default:
      return undefined;
  }
}

export function keyValues(list: unknown): AttributeMap {
  // Keys are data: a null-prototype object keeps an attribute named __proto__ or constructor as it is.
  const out: AttributeMap = Object.create(null);
  for (const kv of (list as Obj[] | undefined) ?? []) out[kv.key as string] = anyValue(kv.value);
  return out;
}

function scopeOf(s: unknown): { name: string; version: string } {
  const o = (s ?? {}) as Obj;
  return { name: (o.name as string) ?? '', version: (o.version as string) ?? '' };
}

/** Every span in an ExportTraceServiceRequest, flattened, each with its resource and scope. */
export function decodeTraceRequest(bytes: Uint8Array): DecodedSpan[] {
  // The decoded message is read as it is, without toObject(): its oneof getters, Long values
  // and Buffers already give what flattenTraceRequest needs, and skipping the copy makes ingest
  // about a third faster.
  return flattenTraceRequest(TraceRequest.decode(bytes) as unknown as Obj);
}

/**
 * Every span of a request in protobufjs object form: a decoded message, its `toObject()` copy, or
 * what otlp-json.ts builds from OTLP/JSON (snake_case names, Buffers for ids).
 */
export function flattenTraceRequest(msg: Obj): DecodedSpan[] {
  const spans: DecodedSpan[] = [];
  for (const rs of (msg.resource_spans as Obj[]) ?? []) {
    const resource = keyValues((rs.resource as Obj | undefined)?.attributes);
    for (const ss of (rs.scope_spans as Obj[]) ?? []) {
      const scope = scopeOf(ss.scope);
      for (const s of (ss.spans as Obj[]) ?? []) {
        const parent = hex(s.parent_span_id);
        const status = (s.status ?? {}) as Obj;
        spans.push({
          traceId: hex(s.trace_id),
          spanId: hex(s.span_id),
          parentSpanId: parent === '' ? undefined : parent,
          traceState: (s.trace_state as string) ?? '',
          flags: Number(s.flags ?? 0),
          name: s.name as string,
          kind: Number(s.kind ?? 0),
          startTimeUnixNano: u64(s.start_time_unix_nano),
          endTimeUnixNano: u64(s.end_time_unix_nano),
          attributes: keyValues(s.attributes),
          events: ((s.events as Obj[]) ?? []).map((e) => ({
            name: e.name as string,
            timeUnixNano: u64(e.time_unix_nano),
            attributes: keyValues(e.attributes),
          })),
          links: ((s.links as Obj[]) ?? []).map((l) => ({ traceId: hex(l.trace_id), spanId: hex(l.span_id), attributes: keyValues(l.attributes) })),
          status: { code: Number(status.code ?? 0), message: (status.message as string) ?? '' },
          resource,
          scope,
          droppedAttributesCount: Number(s.dropped_attributes_count ?? 0),
        });
      }
    }
  }
  return spans;
}

/** Every metric in an ExportMetricsServiceRequest, flattened. */
export function decodeMetricsRequest(bytes: Uint8Array): DecodedMetric[] {
  const msg = MetricsRequest.toObject(MetricsRequest.decode(bytes), TO_OBJECT) as Obj;
  return flattenMetricsRequest(msg);
}

/** Every metric of a request already in protobufjs object form (snake_case, as `toObject` gives it). */
export function flattenMetricsRequest(msg: Obj): DecodedMetric[] {
  const out: DecodedMetric[] = [];
  for (const rm of (msg.resource_metrics as Obj[]) ?? []) {
    const resource = keyValues((rm.resource as Obj | undefined)?.attributes);
    for (const sm of (rm.scope_metrics as Obj[]) ?? []) {
      const scope = scopeOf(sm.scope);
      for (const m of (sm.metrics as Obj[]) ?? []) {
        const type = (m.data as DecodedMetric['type'] | undefined) ?? 'unknown';
        const data = (m[type] ?? {}) as Obj;
        out.push({
          name: m.name as string,
          description: (m.description as string) ?? '',
          unit: (m.unit as string) ?? '',
          type,
          temporality: Number(data.aggregation_temporality ?? 0),
          isMonotonic: Boolean(data.is_monotonic),
          points: ((data.data_points as Obj[]) ?? []).map((p) => point(p)),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/** A data point in protobufjs object form (`toObject` with TO_OBJECT) -> the decoded point. */
export function point(p: Obj): DecodedDataPoint {
  const dp: DecodedDataPoint = {
    attributes: keyValues(p.attributes),
    startTimeUnixNano: String(p.start_time_unix_nano ?? '0'),
    timeUnixNano: String(p.time_unix_nano ?? '0'),
  };
  if (p.value === 'as_double') dp.value = p.as_double as number;
  else if (p.value === 'as_int') dp.value = Number(p.as_int);
  if (p.count !== undefined) dp.count = Number(p.count);
  if (p.sum !== undefined && p.sum !== null) dp.sum = p.sum as number;
  if (p.min !== undefined && p.min !== null) dp.min = p.min as number;
  if (p.max !== undefined && p.max !== null) dp.max = p.max as number;
  if (Array.isArray(p.bucket_counts)) dp.bucketCounts = (p.bucket_counts as unknown[]).map(Number);
  if (Array.isArray(p.explicit_bounds)) dp.explicitBounds = p.explicit_bounds as number[];
  return dp;
}

/** One span's stored bytes -> the decoded span (its resource and scope are kept elsewhere: left empty here). */
export function decodeSpan(bytes: Uint8Array): DecodedSpan {
  const message = SpanType.decode(bytes) as unknown as Obj;
  return flattenTraceRequest({ resource_spans: [{ scope_spans: [{ spans: [message] }] }] })[0]!;
}
