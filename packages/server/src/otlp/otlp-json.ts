/**
 * OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions: trace and span ids are hex strings,
 * enums may be integers or names, 64-bit integers may be strings or numbers) converted to the
 * object form protobufjs' `toObject` produces, so `flattenTraceRequest` / `flattenMetricsRequest`
 * turn both encodings into the same decoded spans and metrics.
 *
 * Types are checked strictly: protobufjs' own `fromObject` would coerce `{"name": {}}` into the
 * string "[object Object]", and a backend must reject such a body instead of storing it.
 * Unknown fields are ignored, as the OTLP specification requires.
 */
import { flattenMetricsRequest, flattenTraceRequest, TraceRequest, type DecodedMetric, type DecodedSpan } from './otlp-decode';

type Obj = Record<string, unknown>;

/** The body is JSON but not an OTLP request; `path` says where (`resourceSpans[0].scopeSpans[1].spans[2].name`). */
export class OtlpJsonError extends Error {
  constructor(
    readonly path: string,
    expected: string,
    got: unknown,
  ) {
    super(`${path}: expected ${expected}, got ${kindOf(got)}`);
    this.name = 'OtlpJsonError';
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const TEMPORALITIES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

/** Reads `camel` (the canonical JSON name) or `snake` (the proto field name, which JSON parsers accept too). */
function field(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v === undefined ? o[snake] : v;
}

function obj(v: unknown, path: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new OtlpJsonError(path, 'an object', v);
  return v as Obj;
}

function arr(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpJsonError(path, 'an array', v);
  return v;
}

function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new OtlpJsonError(path, 'a string', v);
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new OtlpJsonError(path, 'a boolean', v);
  return v;
}

/** A 64-bit integer: a JSON number or a decimal string (kept as a string so nanoseconds stay exact). */
function int64(v: unknown, path: string): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return v;
  throw new OtlpJsonError(path, 'an integer (number or decimal string)', v);
}

function uint32(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  throw new OtlpJsonError(path, 'an unsigned 32-bit integer', v);
}

function double(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new OtlpJsonError(path, 'a number', v);
}

function optionalDouble(v: unknown, path: string): number | undefined {
  return v === undefined || v === null ? undefined : double(v, path);
}

function enumValue(v: unknown, names: Record<string, number>, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && names[v] !== undefined) return names[v];
  throw new OtlpJsonError(path, `an integer or one of ${Object.keys(names).join(', ')}`, v);
}

/** Trace and span ids: hex strings in OTLP/JSON (not base64 as in the generic protobuf mapping). */
function hexId(v: unknown, path: string): Buffer {
  const s = str(v, path);
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new OtlpJsonError(path, 'a hex string', v);
  return Buffer.from(s, 'hex');
}

function anyValue(v: unknown, path: string, depth: number): Obj {
  // Deeply nested values are legal but a body nested thousands deep is an attack on the stack.
  if (depth > 32) throw new OtlpJsonError(path, 'a value nested at most 32 deep', v);
  const o = obj(v, path);
  if (o === undefined) return {};
  if (o.stringValue !== undefined || o.string_value !== undefined) return { value: 'string_value', string_value: str(field(o, 'stringValue', 'string_value'), `${path}.stringValue`) };
  if (o.boolValue !== undefined || o.bool_value !== undefined) return { value: 'bool_value', bool_value: bool(field(o, 'boolValue', 'bool_value'), `${path}.boolValue`) };
  if (o.intValue !== undefined || o.int_value !== undefined) return { value: 'int_value', int_value: int64(field(o, 'intValue', 'int_value'), `${path}.intValue`) };
  if (o.doubleValue !== undefined || o.double_value !== undefined) return { value: 'double_value', double_value: double(field(o, 'doubleValue', 'double_value'), `${path}.doubleValue`) };
  if (o.arrayValue !== undefined || o.array_value !== undefined) {
    const a = obj(field(o, 'arrayValue', 'array_value'), `${path}.arrayValue`) ?? {};
    return { value: 'array_value', array_value: { values: arr(a.values, `${path}.arrayValue.values`).map((x, i) => anyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1)) } };
  }
  if (o.kvlistValue !== undefined || o.kvlist_value !== undefined) {
    const l = obj(field(o, 'kvlistValue', 'kvlist_value'), `${path}.kvlistValue`) ?? {};
    return { value: 'kvlist_value', kvlist_value: { values: keyValues(l.values, `${path}.kvlistValue.values`, depth + 1) } };
  }
  if (o.bytesValue !== undefined || o.bytes_value !== undefined) {
    const b = str(field(o, 'bytesValue', 'bytes_value'), `${path}.bytesValue`);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b)) throw new OtlpJsonError(`${path}.bytesValue`, 'a base64 string', b);
    return { value: 'bytes_value', bytes_value: Buffer.from(b, 'base64') };
  }
  return {};
}

function keyValues(v: unknown, path: string, depth = 0): Obj[] {
  return arr(v, path).map((kv, i) => {
    const p = `${path}[${i}]`;
    const o = obj(kv, p) ?? {};
    return { key: str(o.key, `${p}.key`), value: anyValue(o.value, `${p}.value`, depth) };
  });
}

function resourceOf(v: unknown, path: string): Obj {
  const o = obj(v, path) ?? {};
  return { attributes: keyValues(o.attributes, `${path}.attributes`) };
}

function scopeOf(v: unknown, path: string): Obj {
  const o = obj(v, path) ?? {};
  return { name: str(o.name, `${path}.name`), version: str(o.version, `${path}.version`) };
}

function span(v: unknown, p: string): Obj {
  const s = obj(v, p) ?? {};
  const status = obj(s.status, `${p}.status`) ?? {};
  return {
    trace_id: hexId(field(s, 'traceId', 'trace_id'), `${p}.traceId`),
    span_id: hexId(field(s, 'spanId', 'span_id'), `${p}.spanId`),
    parent_span_id: hexId(field(s, 'parentSpanId', 'parent_span_id'), `${p}.parentSpanId`),
    trace_state: str(field(s, 'traceState', 'trace_state'), `${p}.traceState`),
    flags: uint32(s.flags, `${p}.flags`),
    name: str(s.name, `${p}.name`),
    kind: enumValue(s.kind, SPAN_KINDS, `${p}.kind`),
    start_time_unix_nano: int64(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), `${p}.startTimeUnixNano`),
    end_time_unix_nano: int64(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), `${p}.endTimeUnixNano`),
    attributes: keyValues(s.attributes, `${p}.attributes`),
    dropped_attributes_count: uint32(field(s, 'droppedAttributesCount', 'dropped_attributes_count'), `${p}.droppedAttributesCount`),
    events: arr(s.events, `${p}.events`).map((e, i) => {
      const ep = `${p}.events[${i}]`;
      const eo = obj(e, ep) ?? {};
      return { name: str(eo.name, `${ep}.name`), time_unix_nano: int64(field(eo, 'timeUnixNano', 'time_unix_nano'), `${ep}.timeUnixNano`), attributes: keyValues(eo.attributes, `${ep}.attributes`) };
    }),
    links: arr(s.links, `${p}.links`).map((l, i) => {
      const lp = `${p}.links[${i}]`;
      const lo = obj(l, lp) ?? {};
      return { trace_id: hexId(field(lo, 'traceId', 'trace_id'), `${lp}.traceId`), span_id: hexId(field(lo, 'spanId', 'span_id'), `${lp}.spanId`), attributes: keyValues(lo.attributes, `${lp}.attributes`) };
    }),
    status: { code: enumValue(status.code, STATUS_CODES, `${p}.status.code`), message: str(status.message, `${p}.status.message`) },
  };
}

function traceRequestObject(body: unknown): Obj {
  const root = obj(body, '$');
  if (root === undefined) throw new OtlpJsonError('$', 'an object', body);
  const resourceSpans = arr(field(root, 'resourceSpans', 'resource_spans'), 'resourceSpans').map((rs, i) => {
    const rp = `resourceSpans[${i}]`;
    const r = obj(rs, rp) ?? {};
    return {
      resource: resourceOf(r.resource, `${rp}.resource`),
      scope_spans: arr(field(r, 'scopeSpans', 'scope_spans'), `${rp}.scopeSpans`).map((ss, j) => {
        const sp = `${rp}.scopeSpans[${j}]`;
        const so = obj(ss, sp) ?? {};
        return { scope: scopeOf(so.scope, `${sp}.scope`), spans: arr(so.spans, `${sp}.spans`).map((s, k) => span(s, `${sp}.spans[${k}]`)) };
      }),
    };
  });
  return { resource_spans: resourceSpans };
}

/** OTLP/JSON `ExportTraceServiceRequest` (already parsed) -> decoded spans. Throws `OtlpJsonError`. */
export function decodeTraceRequestJson(body: unknown): DecodedSpan[] {
  return flattenTraceRequest(traceRequestObject(body));
}

/**
 * OTLP/JSON `ExportTraceServiceRequest` (already parsed) -> the same request as OTLP/protobuf
 * bytes, so a backend handles both encodings with one path. Throws `OtlpJsonError`.
 */
export function traceRequestJsonToProtobuf(body: unknown): Uint8Array {
  return TraceRequest.encode(TraceRequest.fromObject(traceRequestObject(body))).finish();
}

const METRIC_TYPES: Array<[camel: string, snake: string]> = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary'],
];

function dataPoint(v: unknown, p: string): Obj {
  const d = obj(v, p) ?? {};
  const out: Obj = {
    attributes: keyValues(d.attributes, `${p}.attributes`),
    start_time_unix_nano: int64(field(d, 'startTimeUnixNano', 'start_time_unix_nano'), `${p}.startTimeUnixNano`),
    time_unix_nano: int64(field(d, 'timeUnixNano', 'time_unix_nano'), `${p}.timeUnixNano`),
  };
  const asDouble = field(d, 'asDouble', 'as_double');
  const asInt = field(d, 'asInt', 'as_int');
  if (asDouble !== undefined) {
    out.value = 'as_double';
    out.as_double = double(asDouble, `${p}.asDouble`);
  } else if (asInt !== undefined) {
    out.value = 'as_int';
    out.as_int = int64(asInt, `${p}.asInt`);
  }
  if (d.count !== undefined) out.count = int64(d.count, `${p}.count`);
  const sum = optionalDouble(d.sum, `${p}.sum`);
  if (sum !== undefined) out.sum = sum;
  const min = optionalDouble(d.min, `${p}.min`);
  if (min !== undefined) out.min = min;
  const max = optionalDouble(d.max, `${p}.max`);
  if (max !== undefined) out.max = max;
  const buckets = field(d, 'bucketCounts', 'bucket_counts');
  if (buckets !== undefined) out.bucket_counts = arr(buckets, `${p}.bucketCounts`).map((b, i) => int64(b, `${p}.bucketCounts[${i}]`));
  const bounds = field(d, 'explicitBounds', 'explicit_bounds');
  if (bounds !== undefined) out.explicit_bounds = arr(bounds, `${p}.explicitBounds`).map((b, i) => double(b, `${p}.explicitBounds[${i}]`));
  return out;
}

function metric(v: unknown, p: string): Obj {
  const m = obj(v, p) ?? {};
  const out: Obj = { name: str(m.name, `${p}.name`), description: str(m.description, `${p}.description`), unit: str(m.unit, `${p}.unit`) };
  for (const [camel, snake] of METRIC_TYPES) {
    const raw = field(m, camel, snake);
    if (raw === undefined) continue;
    const dp = `${p}.${camel}`;
    const data = obj(raw, dp) ?? {};
    out.data = snake;
    out[snake] = {
      data_points: arr(field(data, 'dataPoints', 'data_points'), `${dp}.dataPoints`).map((x, i) => dataPoint(x, `${dp}.dataPoints[${i}]`)),
      aggregation_temporality: enumValue(field(data, 'aggregationTemporality', 'aggregation_temporality'), TEMPORALITIES, `${dp}.aggregationTemporality`),
      is_monotonic: bool(field(data, 'isMonotonic', 'is_monotonic'), `${dp}.isMonotonic`),
    };
    break;
  }
  return out;
}

/** OTLP/JSON `ExportMetricsServiceRequest` (already parsed) -> decoded metrics. Throws `OtlpJsonError`. */
export function decodeMetricsRequestJson(body: unknown): DecodedMetric[] {
  const root = obj(body, '$');
  if (root === undefined) throw new OtlpJsonError('$', 'an object', body);
  const resourceMetrics = arr(field(root, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics').map((rm, i) => {
    const rp = `resourceMetrics[${i}]`;
    const r = obj(rm, rp) ?? {};
    return {
      resource: resourceOf(r.resource, `${rp}.resource`),
      scope_metrics: arr(field(r, 'scopeMetrics', 'scope_metrics'), `${rp}.scopeMetrics`).map((sm, j) => {
        const sp = `${rp}.scopeMetrics[${j}]`;
        const so = obj(sm, sp) ?? {};
        return { scope: scopeOf(so.scope, `${sp}.scope`), metrics: arr(so.metrics, `${sp}.metrics`).map((x, k) => metric(x, `${sp}.metrics[${k}]`)) };
      }),
    };
  });
  return flattenMetricsRequest({ resource_metrics: resourceMetrics });
}
