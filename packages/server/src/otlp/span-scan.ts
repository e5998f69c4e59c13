/**
 * Reads one OTLP `Span` message straight from its bytes: its header (ids, name, kind, times,
 * status code) and the few attributes asked for, and checks that everything else is well formed
 * (every nested message, down to attribute values, events and links) without turning it into
 * JavaScript strings and objects. A backend that stores the bytes as they arrived needs no more;
 * decoding every attribute with protobufjs was the largest cost of ingest. Field numbers and wire
 * types are those of opentelemetry-proto's trace.proto and common.proto.
 */
import { MAX_VALUE_NESTING, type RequestBudget } from '../ingest-limits';
import { Cursor, expectWire as expect, I32, I64, LEN, ProtobufError, VARINT } from './wire';

/** The bytes are not a well-formed OTLP Span (the wire format's error, under the name the tests know). */
export { ProtobufError as SpanScanError };

export interface ScannedSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a root span (empty parent id). */
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  status: { code: number };
  /** Only the attributes whose keys were asked for. */
  attributes: Record<string, unknown>;
}

/** Attribute keys to read, grouped by byte length so most keys are passed over after one comparison. */
export class KeySet {
  private readonly byLength = new Map<number, Array<{ key: string; bytes: Buffer }>>();

  constructor(keys: Iterable<string>) {
    for (const key of keys) {
      const bytes = Buffer.from(key, 'utf8');
      const list = this.byLength.get(bytes.length) ?? [];
      list.push({ key, bytes });
      this.byLength.set(bytes.length, list);
    }
  }

  /** The key stored at `buf[start, end)` if it is one of the set. */
  match(buf: Buffer, start: number, end: number): string | undefined {
    const list = this.byLength.get(end - start);
    if (list === undefined) return undefined;
    for (const { key, bytes } of list) if (buf.compare(bytes, 0, bytes.length, start, end) === 0) return key;
    return undefined;
  }
}

/** Checks an AnyValue and, when `read` is set, returns its JavaScript value (as otlp-decode's anyValue does). */
function anyValue(buf: Buffer, start: number, end: number, depth: number, read: boolean, budget: RequestBudget | undefined): unknown {
  // Attribute values may nest (arrays of key-value lists of arrays...); a body nested thousands
  // deep would only be an attack on the stack.
  if (depth > MAX_VALUE_NESTING) throw new ProtobufError(`attribute value nested deeper than ${MAX_VALUE_NESTING} levels`, start);
  const c = new Cursor(buf, start, end, budget);
  let value: unknown;
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1: {
        expect(c, field, wire, LEN);
        const s = c.len();
        if (read) value = buf.toString('utf8', s, c.pos);
        break;
      }
      case 2:
        expect(c, field, wire, VARINT);
        value = c.varint64() !== 0n;
        break;
      case 3:
        expect(c, field, wire, VARINT);
        value = Number(c.varint64());
        break;
      case 4:
        expect(c, field, wire, I64);
        value = c.double();
        break;
      case 5: {
        expect(c, field, wire, LEN);
        const s = c.len();
        value = arrayValue(buf, s, c.pos, depth + 1, read, budget);
        break;
      }
      case 6: {
        expect(c, field, wire, LEN);
        const s = c.len();
        value = keyValueList(buf, s, c.pos, depth + 1, read, budget);
        break;
      }
      case 7: {
        expect(c, field, wire, LEN);
        const s = c.len();
        if (read) value = buf.toString('hex', s, c.pos);
        break;
      }
      default:
        c.skip(wire);
    }
  }
  return read ? value : undefined;
}

function arrayValue(buf: Buffer, start: number, end: number, depth: number, read: boolean, budget: RequestBudget | undefined): unknown[] | undefined {
  const c = new Cursor(buf, start, end, budget);
  const out: unknown[] | undefined = read ? [] : undefined;
  while (c.pos < c.end) {
    const tag = c.tag();
    if (tag >>> 3 === 1) {
      expect(c, 1, tag & 7, LEN);
      const s = c.len();
      budget?.attribute();
      const v = anyValue(buf, s, c.pos, depth, read, budget);
      out?.push(v);
    } else c.skip(tag & 7);
  }
  return out;
}

function keyValueList(buf: Buffer, start: number, end: number, depth: number, read: boolean, budget: RequestBudget | undefined): Record<string, unknown> | undefined {
  const c = new Cursor(buf, start, end, budget);
  // Keys are data: a key named __proto__ or constructor is an attribute like any other.
  const out: Record<string, unknown> | undefined = read ? Object.create(null) : undefined;
  while (c.pos < c.end) {
    const tag = c.tag();
    if (tag >>> 3 === 1) {
      expect(c, 1, tag & 7, LEN);
      const s = c.len();
      keyValue(buf, s, c.pos, depth, read ? 'all' : 'none', out, budget);
    } else c.skip(tag & 7);
  }
  return out;
}

/**
 * Checks a KeyValue and reads its value into `out`: every one (`all`, inside a key-value list
 * being read), none, or those whose key is in a KeySet (a span's attributes).
 */
function keyValue(buf: Buffer, start: number, end: number, depth: number, pick: KeySet | 'all' | 'none', out: Record<string, unknown> | undefined, budget: RequestBudget | undefined): void {
  budget?.attribute();
  const c = new Cursor(buf, start, end, budget);
  let keyStart = -1;
  let keyEnd = -1;
  let valueStart = -1;
  let valueEnd = -1;
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    if (field === 1) {
      expect(c, 1, tag & 7, LEN);
      keyStart = c.len();
      keyEnd = c.pos;
    } else if (field === 2) {
      expect(c, 2, tag & 7, LEN);
      valueStart = c.len();
      valueEnd = c.pos;
    } else c.skip(tag & 7);
  }
  let key: string | undefined;
  if (pick === 'all') key = keyStart < 0 ? '' : buf.toString('utf8', keyStart, keyEnd);
  else if (pick !== 'none' && keyStart >= 0) key = pick.match(buf, keyStart, keyEnd);
  const read = key !== undefined && out !== undefined;
  const value = valueStart < 0 ? undefined : anyValue(buf, valueStart, valueEnd, depth, read, budget);
  if (read) out[key!] = value;
}

/** Reads one KeyValue message (an attribute of a resource or scope) into `out`, a null-prototype object. */
export function readKeyValue(buf: Buffer, start: number, end: number, out: Record<string, unknown>, budget?: RequestBudget): void {
  keyValue(buf, start, end, 0, 'all', out, budget);
}

/** Checks one KeyValue message without reading it. */
export function checkKeyValue(buf: Buffer, start: number, end: number, budget?: RequestBudget): void {
  keyValue(buf, start, end, 0, 'none', undefined, budget);
}

function checkEvent(buf: Buffer, start: number, end: number, budget: RequestBudget | undefined): void {
  budget?.attribute();
  const c = new Cursor(buf, start, end, budget);
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      expect(c, field, wire, I64);
      c.skip(I64);
    } else if (field === 2) {
      expect(c, field, wire, LEN);
      c.len();
    } else if (field === 3) {
      expect(c, field, wire, LEN);
      const s = c.len();
      keyValue(buf, s, c.pos, 0, 'none', undefined, budget);
    } else c.skip(wire);
  }
}

function checkLink(buf: Buffer, start: number, end: number, budget: RequestBudget | undefined): void {
  budget?.attribute();
  const c = new Cursor(buf, start, end, budget);
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field >= 1 && field <= 3) {
      expect(c, field, wire, LEN);
      c.len();
    } else if (field === 4) {
      expect(c, field, wire, LEN);
      const s = c.len();
      keyValue(buf, s, c.pos, 0, 'none', undefined, budget);
    } else c.skip(wire);
  }
}

function statusCode(buf: Buffer, start: number, end: number, budget: RequestBudget | undefined): number {
  const c = new Cursor(buf, start, end, budget);
  let code = 0;
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 2) {
      expect(c, field, wire, LEN);
      c.len();
    } else if (field === 3) {
      expect(c, field, wire, VARINT);
      code = Number(c.varint64());
    } else c.skip(wire);
  }
  return code;
}

/**
 * Scans the Span message in `buf[start, end)`. Throws `ProtobufError` when it is malformed, and
 * `LimitError` when it passes one of `budget`'s limits.
 */
export function scanSpan(buf: Buffer, start: number, end: number, keys: KeySet, budget?: RequestBudget): ScannedSpan {
  budget?.span();
  const c = new Cursor(buf, start, end, budget);
  const attributes: Record<string, unknown> = Object.create(null);
  const span: ScannedSpan = { traceId: '', spanId: '', parentSpanId: undefined, name: '', kind: 0, startNs: 0n, endNs: 0n, status: { code: 0 }, attributes };
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
      case 2:
      case 4: {
        expect(c, field, wire, LEN);
        const s = c.len();
        const id = buf.toString('hex', s, c.pos);
        if (field === 1) span.traceId = id;
        else if (field === 2) span.spanId = id;
        else span.parentSpanId = id === '' ? undefined : id;
        break;
      }
      case 3:
        expect(c, field, wire, LEN);
        c.len();
        break;
      case 5: {
        expect(c, field, wire, LEN);
        const s = c.len();
        span.name = buf.toString('utf8', s, c.pos);
        break;
      }
      case 6:
        expect(c, field, wire, VARINT);
        span.kind = Number(c.varint64());
        break;
      case 7:
        expect(c, field, wire, I64);
        span.startNs = c.fixed64();
        break;
      case 8:
        expect(c, field, wire, I64);
        span.endNs = c.fixed64();
        break;
      case 9: {
        expect(c, field, wire, LEN);
        const s = c.len();
        keyValue(buf, s, c.pos, 0, keys, attributes, budget);
        break;
      }
      case 11: {
        expect(c, field, wire, LEN);
        const s = c.len();
        checkEvent(buf, s, c.pos, budget);
        break;
      }
      case 13: {
        expect(c, field, wire, LEN);
        const s = c.len();
        checkLink(buf, s, c.pos, budget);
        break;
      }
      case 15: {
        expect(c, field, wire, LEN);
        const s = c.len();
        span.status = { code: statusCode(buf, s, c.pos, budget) };
        break;
      }
      case 16:
        expect(c, field, wire, I32);
        c.skip(I32);
        break;
      default:
        c.skip(wire);
    }
  }
  return span;
}
