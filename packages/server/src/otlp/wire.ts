/**
 * The protobuf wire format, read strictly: a varint longer than 10 bytes, a tag of field 0 or over
 * 32 bits, a wire type that does not exist (or a group, which OTLP never uses), a length that runs
 * past its message, all throw `ProtobufError`. protobufjs' own reader skips unknown varints of any
 * length and reads tags past their fifth byte without looking, so a body it accepts can be garbage.
 */

/** The bytes are not well-formed protobuf (or not the message expected). */
export class ProtobufError extends Error {
  constructor(message: string, at: number) {
    super(`${message} (offset ${at})`);
    this.name = 'ProtobufError';
  }
}

export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** Counts every field read, so that the work one request can cause is bounded (see limits.ts). */
export interface FieldCounter {
  field(): void;
}

export class Cursor {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
    private readonly counter?: FieldCounter,
  ) {
    this.pos = start;
  }

  /** An unsigned varint of up to 53 bits (lengths, enums); longer ones are refused. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint', this.pos);
      const b = this.buf[this.pos++]!;
      if (i < 8) result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result;
    }
    throw new ProtobufError('varint longer than 10 bytes', this.pos);
  }

  /** A field's tag: field number (1 to 2^29 - 1) and wire type. Counted against the request's budget. */
  tag(): number {
    const at = this.pos;
    const t = this.varint();
    if (t > 0xffffffff || t >>> 3 === 0) throw new ProtobufError(`invalid field tag ${t}`, at);
    this.counter?.field();
    return t;
  }

  /** A varint as a signed 64-bit integer (int64 / int32 fields, negative ones take 10 bytes). */
  varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint', this.pos);
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, result);
    }
    throw new ProtobufError('varint longer than 10 bytes', this.pos);
  }

  /** Moves past a varint, checking it ends within 10 bytes, without computing it. */
  skipVarint(): void {
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint', this.pos);
      if ((this.buf[this.pos++]! & 0x80) === 0) return;
    }
    throw new ProtobufError('varint longer than 10 bytes', this.pos);
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new ProtobufError('truncated fixed64', this.pos);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufError('truncated double', this.pos);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field: returns its start and moves past it. */
  len(): number {
    const n = this.varint();
    const start = this.pos;
    if (start + n > this.end) throw new ProtobufError('length-delimited field runs past the end of its message', start);
    this.pos = start + n;
    return start;
  }

  skip(wire: number): void {
    switch (wire) {
      case VARINT:
        this.skipVarint();
        return;
      case I64:
        if (this.pos + 8 > this.end) throw new ProtobufError('truncated fixed64', this.pos);
        this.pos += 8;
        return;
      case LEN:
        this.len();
        return;
      case I32:
        if (this.pos + 4 > this.end) throw new ProtobufError('truncated fixed32', this.pos);
        this.pos += 4;
        return;
      default:
        // Groups (3, 4) are not used by OTLP; 6 and 7 do not exist.
        throw new ProtobufError(`invalid wire type ${wire}`, this.pos);
    }
  }
}

/** Expects `wire` for field `field`: a known field with another wire type is malformed. */
export function expectWire(c: Cursor, field: number, wire: number, wanted: number): void {
  if (wire !== wanted) throw new ProtobufError(`field ${field} has wire type ${wire}, expected ${wanted}`, c.pos);
}
