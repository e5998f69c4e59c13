// OTLP/JSON (already parsed) -> the same request as OTLP/protobuf bytes, written field by field,
// so the backend reads both encodings with one decoder. OTLP/JSON is the protobuf JSON mapping with
// OTLP's exceptions: trace and span ids are hex strings, enums integers or names, 64-bit integers
// numbers or decimal strings, field names lowerCamelCase (the proto names are accepted too),
// unknown fields ignored. Types are checked strictly: `{"name": {}}` is an error naming where it
// is (`resourceSpans[0].scopeSpans[1].spans[2].name`), never the string "[object Object]".
//
// Plain CommonJS JavaScript because the thread that parses OTLP/JSON (json-worker.js) loads it as
// it is on disk, from the sources and from the build alike.
'use strict';

const { Writer } = require('protobufjs/minimal');

class OtlpJsonError extends Error {
  constructor(path, expected, got) {
    super(`${path}: expected ${expected}, got ${kindOf(got)}`);
    this.name = 'OtlpJsonError';
    this.path = path;
  }
}

/** More spans or data points than allowed: answered 413. */
class JsonLimitError extends Error {
  constructor(message) {
    super(message);
    this.name = 'LimitError';
  }
}

function kindOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

// Maps, not objects: a name such as "constructor" or "__proto__" is not an enum value.
const SPAN_KINDS = new Map(['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'].map((n, i) => [`SPAN_KIND_${n}`, i]));
const STATUS_CODES = new Map([['STATUS_CODE_UNSET', 0], ['STATUS_CODE_OK', 1], ['STATUS_CODE_ERROR', 2]]);
const TEMPORALITIES = new Map([['AGGREGATION_TEMPORALITY_UNSPECIFIED', 0], ['AGGREGATION_TEMPORALITY_DELTA', 1], ['AGGREGATION_TEMPORALITY_CUMULATIVE', 2]]);
const MAX_NESTING = 32;

const LEN = 2;
const tag = (field, wire) => (field << 3) | wire;

/** Own property `camel` (the canonical JSON name) or `snake` (the proto field name). */
function field(o, camel, snake) {
  const v = Object.hasOwn(o, camel) ? o[camel] : undefined;
  return v === undefined && Object.hasOwn(o, snake) ? o[snake] : v;
}

function obj(v, path) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new OtlpJsonError(path, 'an object', v);
  return v;
}

function arr(v, path) {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpJsonError(path, 'an array', v);
  return v;
}

function str(v, path) {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new OtlpJsonError(path, 'a string', v);
  return v;
}

function bool(v, path) {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new OtlpJsonError(path, 'a boolean', v);
  return v;
}

/** A 64-bit integer (number or decimal string) as protobufjs' {low, high} bits, exact. */
function int64(v, path) {
  let n;
  if (v === undefined || v === null) n = 0n;
  else if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) n = BigInt(v);
  else throw new OtlpJsonError(path, 'an integer (number or decimal string)', v);
  const u = BigInt.asUintN(64, n);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, zero: u === 0n };
}

function uint32(v, path) {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  throw new OtlpJsonError(path, 'an unsigned 32-bit integer', v);
}

function double(v, path) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new OtlpJsonError(path, 'a number', v);
}

function enumValue(v, names, path) {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && names.has(v)) return names.get(v);
  throw new OtlpJsonError(path, `an integer or one of ${[...names.keys()].join(', ')}`, v);
}

/** Trace and span ids: hex strings in OTLP/JSON (not base64 as in the generic protobuf mapping). */
function hexId(v, path) {
  const s = str(v, path);
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new OtlpJsonError(path, 'a hex string', v);
  return Buffer.from(s, 'hex');
}

// ---- writing: each writes its field only when it differs from proto3's default ----

function putString(w, f, s) {
  if (s !== '') w.uint32(tag(f, LEN)).string(s);
}
function putBytes(w, f, b) {
  if (b.length > 0) w.uint32(tag(f, LEN)).bytes(b);
}
function putFixed64(w, f, bits) {
  if (!bits.zero) w.uint32(tag(f, 1)).fixed64(bits);
}
function putVarint(w, f, n) {
  if (n !== 0) w.uint32(tag(f, 0)).int32(n);
}
function putDouble(w, f, d) {
  if (d !== undefined) w.uint32(tag(f, 1)).double(d);
}
/** A nested message, written by `body` between fork() and ldelim(). */
function putMessage(w, f, body) {
  w.uint32(tag(f, LEN)).fork();
  body();
  w.ldelim();
}

function anyValue(w, v, path, depth) {
  // Deeply nested values are legal but a body nested thousands deep is an attack on the stack.
  if (depth > MAX_NESTING) throw new OtlpJsonError(path, `a value nested at most ${MAX_NESTING} deep`, v);
  const o = obj(v, path);
  if (o === undefined) return;
  const has = (camel, snake) => field(o, camel, snake) !== undefined;
  if (has('stringValue', 'string_value')) w.uint32(tag(1, LEN)).string(str(field(o, 'stringValue', 'string_value'), `${path}.stringValue`));
  else if (has('boolValue', 'bool_value')) w.uint32(tag(2, 0)).bool(bool(field(o, 'boolValue', 'bool_value'), `${path}.boolValue`));
  else if (has('intValue', 'int_value')) w.uint32(tag(3, 0)).int64(int64(field(o, 'intValue', 'int_value'), `${path}.intValue`));
  else if (has('doubleValue', 'double_value')) w.uint32(tag(4, 1)).double(double(field(o, 'doubleValue', 'double_value'), `${path}.doubleValue`));
  else if (has('arrayValue', 'array_value')) {
    const a = obj(field(o, 'arrayValue', 'array_value'), `${path}.arrayValue`) || {};
    const values = arr(field(a, 'values', 'values'), `${path}.arrayValue.values`);
    putMessage(w, 5, () => values.forEach((x, i) => putMessage(w, 1, () => anyValue(w, x, `${path}.arrayValue.values[${i}]`, depth + 1))));
  } else if (has('kvlistValue', 'kvlist_value')) {
    const l = obj(field(o, 'kvlistValue', 'kvlist_value'), `${path}.kvlistValue`) || {};
    putMessage(w, 6, () => keyValues(w, 1, field(l, 'values', 'values'), `${path}.kvlistValue.values`, depth + 1));
  } else if (has('bytesValue', 'bytes_value')) {
    const b = str(field(o, 'bytesValue', 'bytes_value'), `${path}.bytesValue`);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b)) throw new OtlpJsonError(`${path}.bytesValue`, 'a base64 string', b);
    w.uint32(tag(7, LEN)).bytes(Buffer.from(b, 'base64'));
  }
}

/** A repeated KeyValue field `f`. */
function keyValues(w, f, v, path, depth = 0) {
  arr(v, path).forEach((kv, i) => {
    const p = `${path}[${i}]`;
    const o = obj(kv, p) || {};
    const key = str(field(o, 'key', 'key'), `${p}.key`);
    putMessage(w, f, () => {
      putString(w, 1, key);
      const value = field(o, 'value', 'value');
      if (value !== undefined && value !== null) putMessage(w, 2, () => anyValue(w, value, `${p}.value`, depth));
      else obj(value, `${p}.value`);
    });
  });
}

function resource(w, v, path) {
  const o = obj(v, path);
  if (o !== undefined) putMessage(w, 1, () => keyValues(w, 1, field(o, 'attributes', 'attributes'), `${path}.attributes`));
}

function scope(w, v, path) {
  const o = obj(v, path);
  if (o === undefined) return;
  putMessage(w, 1, () => {
    putString(w, 1, str(field(o, 'name', 'name'), `${path}.name`));
    putString(w, 2, str(field(o, 'version', 'version'), `${path}.version`));
  });
}

function span(w, v, p) {
  const s = obj(v, p) || {};
  putBytes(w, 1, hexId(field(s, 'traceId', 'trace_id'), `${p}.traceId`));
  putBytes(w, 2, hexId(field(s, 'spanId', 'span_id'), `${p}.spanId`));
  putString(w, 3, str(field(s, 'traceState', 'trace_state'), `${p}.traceState`));
  putBytes(w, 4, hexId(field(s, 'parentSpanId', 'parent_span_id'), `${p}.parentSpanId`));
  putString(w, 5, str(field(s, 'name', 'name'), `${p}.name`));
  putVarint(w, 6, enumValue(field(s, 'kind', 'kind'), SPAN_KINDS, `${p}.kind`));
  putFixed64(w, 7, int64(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), `${p}.startTimeUnixNano`));
  putFixed64(w, 8, int64(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), `${p}.endTimeUnixNano`));
  keyValues(w, 9, field(s, 'attributes', 'attributes'), `${p}.attributes`);
  putVarint(w, 10, uint32(field(s, 'droppedAttributesCount', 'dropped_attributes_count'), `${p}.droppedAttributesCount`));
  arr(field(s, 'events', 'events'), `${p}.events`).forEach((e, i) => {
    const ep = `${p}.events[${i}]`;
    const eo = obj(e, ep) || {};
    putMessage(w, 11, () => {
      putFixed64(w, 1, int64(field(eo, 'timeUnixNano', 'time_unix_nano'), `${ep}.timeUnixNano`));
      putString(w, 2, str(field(eo, 'name', 'name'), `${ep}.name`));
      keyValues(w, 3, field(eo, 'attributes', 'attributes'), `${ep}.attributes`);
    });
  });
  arr(field(s, 'links', 'links'), `${p}.links`).forEach((l, i) => {
    const lp = `${p}.links[${i}]`;
    const lo = obj(l, lp) || {};
    putMessage(w, 13, () => {
      putBytes(w, 1, hexId(field(lo, 'traceId', 'trace_id'), `${lp}.traceId`));
      putBytes(w, 2, hexId(field(lo, 'spanId', 'span_id'), `${lp}.spanId`));
      keyValues(w, 4, field(lo, 'attributes', 'attributes'), `${lp}.attributes`);
    });
  });
  const status = obj(field(s, 'status', 'status'), `${p}.status`) || {};
  const code = enumValue(field(status, 'code', 'code'), STATUS_CODES, `${p}.status.code`);
  const message = str(field(status, 'message', 'message'), `${p}.status.message`);
  if (code !== 0 || message !== '') {
    putMessage(w, 15, () => {
      putString(w, 2, message);
      putVarint(w, 3, code);
    });
  }
  const flags = uint32(field(s, 'flags', 'flags'), `${p}.flags`);
  if (flags !== 0) w.uint32(tag(16, 5)).fixed32(flags);
}

function rootOf(body) {
  const root = obj(body, '$');
  if (root === undefined) throw new OtlpJsonError('$', 'an object', body);
  return root;
}

/** Counts spans or data points against the request's limit. */
function counter(max, what) {
  let n = 0;
  return () => {
    if (++n > max) throw new JsonLimitError(`the request holds more than ${max} ${what} (limit maxSpansPerRequest): send fewer per request`);
  };
}

/** ExportTraceServiceRequest (parsed OTLP/JSON) -> protobuf bytes. Throws OtlpJsonError, or JsonLimitError past `maxSpans`. */
function traceRequest(body, maxSpans = Infinity) {
  const count = counter(maxSpans, 'spans');
  const w = Writer.create();
  arr(field(rootOf(body), 'resourceSpans', 'resource_spans'), 'resourceSpans').forEach((rs, i) => {
    const rp = `resourceSpans[${i}]`;
    const r = obj(rs, rp) || {};
    putMessage(w, 1, () => {
      resource(w, field(r, 'resource', 'resource'), `${rp}.resource`);
      arr(field(r, 'scopeSpans', 'scope_spans'), `${rp}.scopeSpans`).forEach((ss, j) => {
        const sp = `${rp}.scopeSpans[${j}]`;
        const so = obj(ss, sp) || {};
        putMessage(w, 2, () => {
          scope(w, field(so, 'scope', 'scope'), `${sp}.scope`);
          arr(field(so, 'spans', 'spans'), `${sp}.spans`).forEach((s, k) => {
            count();
            putMessage(w, 2, () => span(w, s, `${sp}.spans[${k}]`));
          });
        });
      });
    });
  });
  return w.finish();
}

module.exports = { traceRequest, OtlpJsonError, JsonLimitError, obj, arr, str, bool, int64, uint32, double, enumValue, field, keyValues, resource, scope, rootOf, counter, putMessage, putString, putFixed64, putVarint, putDouble, tag, TEMPORALITIES };
