/**
 * The protobuf wire format, written back to front: a nested message's length is known when its
 * prefix is written, so a message is encoded in one pass with no size estimate and no shifting of
 * bytes. Strings are measured and copied by Node's native UTF-8 code (`Buffer.byteLength`,
 * `buf.write`) instead of a JavaScript loop over every character.
 */
import type { HrTime } from '@opentelemetry/api';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

// Below this many UTF-16 units, a JavaScript copy beats the native call's fixed cost.
const SHORT_STRING = 48;

export class ReverseWriter {
  buf: Buffer;
  pos: number;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
    this.pos = size;
  }

  /** Makes room for `n` more bytes in front of what is written. */
  ensure(n: number): void {
    if (this.pos >= n) return;
    const used = this.buf.length - this.pos;
    let size = this.buf.length * 2;
    while (size - used < n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, size - used, this.pos);
    this.buf = next;
    this.pos = size - used;
  }

  get end(): number {
    return this.buf.length - this.pos;
  }

  varint(v: number): void {
    this.ensure(10);
    if (v >= 0 && v < 0x80) {
      this.buf[--this.pos] = v;
      return;
    }
    if (v < 0 || v > Number.MAX_SAFE_INTEGER) {
      this.varint64(v);
      return;
    }
    let n = 0;
    let x = v;
    const tmp = VARINT_TMP;
    while (x >= 0x80) {
      tmp[n++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    tmp[n++] = x;
    for (let i = n - 1; i >= 0; i--) this.buf[--this.pos] = tmp[i]!;
  }

  /** Negative or huge integers: the two's complement 64-bit varint. */
  private varint64(v: number): void {
    let big = BigInt.asUintN(64, BigInt(Math.trunc(v)));
    const bytes: number[] = [];
    do {
      let b = Number(big & 0x7fn);
      big >>= 7n;
      if (big !== 0n) b |= 0x80;
      bytes.push(b);
    } while (big !== 0n);
    for (let i = bytes.length - 1; i >= 0; i--) this.buf[--this.pos] = bytes[i]!;
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** Length prefix and tag of a message whose content ends at `end` (an `end` value taken before writing it). */
  close(field: number, end: number): void {
    this.varint(this.end - end);
    this.tag(field, WIRE_LEN);
  }

  string(s: string): void {
    const len = s.length;
    if (len < SHORT_STRING) {
      let ascii = true;
      for (let i = 0; i < len; i++) {
        if (s.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.ensure(len + 5);
        for (let i = len - 1; i >= 0; i--) this.buf[--this.pos] = s.charCodeAt(i);
        this.varint(len);
        return;
      }
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.ensure(n + 5);
    this.pos -= n;
    this.buf.write(s, this.pos, n, 'utf8');
    this.varint(n);
  }

  /** `hex` as bytes, length-prefixed. */
  hexBytes(hex: string): void {
    const n = hex.length >>> 1;
    this.ensure(n + 5);
    this.pos -= n;
    this.buf.write(hex, this.pos, n, 'hex');
    this.varint(n);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.pos -= bytes.length;
    this.buf.set(bytes, this.pos);
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.pos -= 4;
    this.buf.writeUInt32LE(v >>> 0, this.pos);
  }

  double(v: number): void {
    this.ensure(8);
    this.pos -= 8;
    this.buf.writeDoubleLE(v, this.pos);
  }

  /** An HrTime as nanoseconds since the epoch, fixed64 (little-endian 32-bit halves). */
  hrTime(t: HrTime): void {
    const seconds = t[0];
    const nanos = t[1];
    // seconds * 1e9 exceeds 2^53: split it so every partial product stays exact.
    const lowSec = seconds % 0x10000;
    const highSec = Math.floor(seconds / 0x10000);
    const lowNs = lowSec * 1e9 + nanos; // < 2^53
    const highNs = highSec * 1e9; // times 2^16
    const lowWord = (lowNs % 0x100000000) + (highNs % 0x10000) * 0x10000;
    const lo = lowWord % 0x100000000;
    const hi = Math.floor(lowNs / 0x100000000) + Math.floor(highNs / 0x10000) + Math.floor(lowWord / 0x100000000);
    this.ensure(8);
    this.pos -= 8;
    this.buf.writeUInt32LE(lo >>> 0, this.pos);
    this.buf.writeUInt32LE(hi >>> 0, this.pos + 4);
  }
}

const VARINT_TMP = new Array<number>(10).fill(0);

/** `v` as a varint, written forward (for bytes encoded once and copied from a cache). */
export function varintBytes(v: number): Buffer {
  const out: number[] = [];
  let x = v;
  while (x >= 0x80) {
    out.push((x % 128) | 0x80);
    x = Math.floor(x / 128);
  }
  out.push(x);
  return Buffer.from(out);
}

/** What `build` writes into a fresh writer, as a Buffer of its own. */
export function encodeOnce(build: (w: ReverseWriter) => void): Buffer {
  const w = new ReverseWriter(256);
  build(w);
  return Buffer.from(w.buf.subarray(w.pos));
}
