/**
 * Reads one OTLP `Span` message straight from its bytes: its header (ids, name, kind, times,
 * status code) and the few attributes asked for, and checks that everything else is well formed
 * (every nested message, down to attribute values, events and links) without turning it into
 * JavaScript strings and objects. A backend that stores the bytes as they arrived needs no more;
 * decoding every attribute with protobufjs was the largest cost of ingest. Field numbers and wire
 * types are those of opentelemetry-proto's trace.proto and common.proto.
 */

/** The bytes are not a well-formed OTLP Span. */
export class SpanScanError extends Error {
  constructor(message: string, at: number) {
    super(`${message} (offset ${at})`);
    this.name = 'SpanScanError';
  }
}

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

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;
// Attribute values may nest (arrays of key-value lists of arrays...); a body nested thousands
// deep would only be an attack on the stack.
const MAX_DEPTH = 32;

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

class Cursor {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** An unsigned varint of up to 53 bits (lengths, tags, enums); longer ones are refused. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new SpanScanError('truncated varint', this.pos);
      const b = this.buf[this.pos++]!;
      if (i < 8) result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result;
    }
    throw new SpanScanError('varint longer than 10 bytes', this.pos);
  }

  /** A varint as a signed 64-bit integer (int64 / int32 fields, negative ones take 10 bytes). */
  varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new SpanScanError('truncated varint', this.pos);
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, result);
    }
    throw new SpanScanError('varint longer than 10 bytes', this.pos);
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new SpanScanError('truncated fixed64', this.pos);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new SpanScanError('truncated double', this.pos);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field: returns its start and moves past it. */
  len(): number {
    const n = this.varint();
    const start = this.pos;
    if (start + n > this.end) throw new SpanScanError('length-delimited field runs past the end of its message', start);
    this.pos = start + n;
    return start;
  }

  skip(wire: number): void {
    switch (wire) {
      case VARINT:
        this.varint64();
        return;
      case I64:
        if (this.pos + 8 > this.end) throw new SpanScanError('truncated fixed64', this.pos);
        this.pos += 8;
        return;
      case LEN:
        this.len();
        return;
      case I32:
        if (this.pos + 4 > this.end) throw new SpanScanError('truncated fixed32', this.pos);
        this.pos += 4;
        return;
      default:
        // Groups (3, 4) are not used by OTLP; 6 and 7 do not exist.
        throw new SpanScanError(`invalid wire type ${wire}`, this.pos);
    }
  }
}

/** Expects `wire` for field `field`: a known field with another wire type is malformed. */
function expect(c: Cursor, field: number, wire: number, wanted: number): void {
  if (wire !== wanted) throw new SpanScanError(`field ${field} has wire type ${wire}, expected ${wanted}`, c.pos);
}

/** Checks an AnyValue and, when `read` is set, returns its JavaScript value (as otlp-decode's anyValue does). */
function anyValue(buf: Buffer, start: number, end: number, depth: number, read: boolean): unknown {
  if (depth > MAX_DEPTH) throw new SpanScanError(`attribute value nested deeper than ${MAX_DEPTH}`, start);
  const c = new Cursor(buf, start, end);
  let value: unknown;
  while (c.pos < c.end) {
    const tag = c.varint();
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
        value = arrayValue(buf, s, c.pos, depth + 1, read);
        break;
      }
      case 6: {
        expect(c, field, wire, LEN);
        const s = c.len();
        value = keyValueList(buf, s, c.pos, depth + 1, read);
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

function arrayValue(buf: Buffer, start: number, end: number, depth: number, read: boolean): unknown[] | undefined {
  const c = new Cursor(buf, start, end);
  const out: unknown[] | undefined = read ? [] : undefined;
  while (c.pos < c.end) {
    const tag = c.varint();
    if (tag >>> 3 === 1) {
      expect(c, 1, tag & 7, LEN);
      const s = c.len();
      const v = anyValue(buf, s, c.pos, depth, read);
      out?.push(v);
    } else c.skip(tag & 7);
  }
  return out;
}

function keyValueList(buf: Buffer, start: number, end: number, depth: number, read: boolean): Record<string, unknown> | undefined {
  const c = new Cursor(buf, start, end);
  const out: Record<string, unknown> | undefined = read ? {} : undefined;
  while (c.pos < c.end) {
    const tag = c.varint();
    if (tag >>> 3 === 1) {
      expect(c, 1, tag & 7, LEN);
      const s = c.len();
      keyValue(buf, s, c.pos, depth, read ? 'all' : 'none', out);
    } else c.skip(tag & 7);
  }
  return out;
}

/**
 * Checks a KeyValue and reads its value into `out`: every one (`all`, inside a key-value list
 * being read), none, or those whose key is in a KeySet (a span's attributes).
 */
function keyValue(buf: Buffer, start: number, end: number, depth: number, pick: KeySet | 'all' | 'none', out: Record<string, unknown> | undefined): void {
  const c = new Cursor(buf, start, end);
  let keyStart = -1;
  let keyEnd = -1;
  let valueStart = -1;
  let valueEnd = -1;
  while (c.pos < c.end) {
    const tag = c.varint();
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
  const value = valueStart < 0 ? undefined : anyValue(buf, valueStart, valueEnd, depth, read);
  if (read) out[key!] = value;
}

function checkEvent(buf: Buffer, start: number, end: number): void {
  const c = new Cursor(buf, start, end);
  while (c.pos < c.end) {
    const tag = c.varint();
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
      keyValue(buf, s, c.pos, 0, 'none', undefined);
    } else c.skip(wire);
  }
}

function checkLink(buf: Buffer, start: number, end: number): void {
  const c = new Cursor(buf, start, end);
  while (c.pos < c.end) {
    const tag = c.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field >= 1 && field <= 3) {
      expect(c, field, wire, LEN);
      c.len();
    } else if (field === 4) {
      expect(c, field, wire, LEN);
      const s = c.len();
      keyValue(buf, s, c.pos, 0, 'none', undefined);
    } else c.skip(wire);
  }
}

function statusCode(buf: Buffer, start: number, end: number): number {
  const c = new Cursor(buf, start, end);
  let code = 0;
  while (c.pos < c.end) {
    const tag = c.varint();
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

/** Scans the Span message in `buf[start, end)`. Throws `SpanScanError` when it is malformed. */
export function scanSpan(buf: Buffer, start: number, end: number, keys: KeySet): ScannedSpan {
  const c = new Cursor(buf, start, end);
  const attributes: Record<string, unknown> = {};
  const span: ScannedSpan = { traceId: '', spanId: '', parentSpanId: undefined, name: '', kind: 0, startNs: 0n, endNs: 0n, status: { code: 0 }, attributes };
  while (c.pos < c.end) {
    const tag = c.varint();
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
        keyValue(buf, s, c.pos, 0, keys, attributes);
        break;
      }
      case 11: {
        expect(c, field, wire, LEN);
        const s = c.len();
        checkEvent(buf, s, c.pos);
        break;
      }
      case 13: {
        expect(c, field, wire, LEN);
        const s = c.len();
        checkLink(buf, s, c.pos);
        break;
      }
      case 15: {
        expect(c, field, wire, LEN);
        const s = c.len();
        span.status = { code: statusCode(buf, s, c.pos) };
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
