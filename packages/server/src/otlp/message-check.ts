/**
 * Checks that bytes are a well-formed message of a protobufjs type before protobufjs decodes them:
 * strict wire format (wire.ts), every known field with its declared wire type (repeated numbers
 * packed or not), nested messages checked in turn, attribute values nested at most 32 deep, and
 * everything counted against the request's budget (fields; key-value pairs, array elements and
 * packed numbers as attributes). protobufjs would accept some malformed bodies, and would turn a
 * few kilobytes of gzip into millions of objects before anything could count them.
 */
import protobuf from 'protobufjs';
import { MAX_VALUE_NESTING, type RequestBudget } from '../ingest-limits';
import { Cursor, expectWire, I32, I64, LEN, ProtobufError, VARINT } from './wire';

const FIXED64 = new Set(['double', 'fixed64', 'sfixed64']);
const FIXED32 = new Set(['float', 'fixed32', 'sfixed32']);

function wireOf(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Type) return LEN;
  if (field.type === 'string' || field.type === 'bytes') return LEN;
  if (FIXED64.has(field.type)) return I64;
  if (FIXED32.has(field.type)) return I32;
  return VARINT;
}

/** A packed run of numbers: its length must hold whole values; each counts as an attribute. */
function checkPacked(c: Cursor, wire: number, budget: RequestBudget | undefined): void {
  const start = c.len();
  const end = c.pos;
  if (wire === VARINT) {
    const inner = new Cursor(c.buf, start, end);
    while (inner.pos < inner.end) {
      inner.skipVarint();
      budget?.attribute();
    }
    return;
  }
  const size = wire === I64 ? 8 : 4;
  if ((end - start) % size !== 0) throw new ProtobufError(`packed field of ${size}-byte values has ${end - start} bytes`, start);
  for (let i = start; i < end; i += size) budget?.attribute();
}

/**
 * Checks `buf[start, end)` as a message of `type`. `anyDepth` is the nesting of AnyValue messages
 * above it. Throws `ProtobufError` when malformed, `LimitError` past a limit.
 */
export function checkMessage(type: protobuf.Type, buf: Buffer, start: number, end: number, budget: RequestBudget | undefined, anyDepth = 0): void {
  const isAny = type.name === 'AnyValue';
  if (isAny && anyDepth > MAX_VALUE_NESTING) throw new ProtobufError(`attribute value nested deeper than ${MAX_VALUE_NESTING} levels`, start);
  if (type.name === 'KeyValue') budget?.attribute();
  const c = new Cursor(buf, start, end, budget);
  while (c.pos < c.end) {
    const tag = c.tag();
    const id = tag >>> 3;
    const wire = tag & 7;
    const field = type.fieldsById[id];
    if (field === undefined) {
      c.skip(wire);
      continue;
    }
    const wanted = wireOf(field);
    if (field.repeated && wanted !== LEN && wire === LEN) {
      checkPacked(c, wanted, budget);
      continue;
    }
    expectWire(c, id, wire, wanted);
    if (!(field.resolvedType instanceof protobuf.Type)) {
      c.skip(wire);
      if (field.repeated) budget?.attribute();
      continue;
    }
    const from = c.len();
    // An element of an array value is an attribute value of its own.
    if (type.name === 'ArrayValue') budget?.attribute();
    checkMessage(field.resolvedType, buf, from, c.pos, budget, isAny ? anyDepth + 1 : anyDepth);
  }
}
