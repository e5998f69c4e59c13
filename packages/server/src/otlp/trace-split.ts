/**
 * Splits an OTLP/protobuf ExportTraceServiceRequest into its spans, each scanned (span-scan.ts:
 * checked to be well formed, reading only its header and the attributes asked for) and located in
 * the request's bytes, so a backend can keep a span's own bytes instead of re-serialising it.
 *
 * The whole request is read with the strict wire reader (wire.ts) and counted against a budget
 * (ingest-limits.ts) as it goes. The async form hands the event loop back every few milliseconds,
 * between spans, so a large request never holds up the server's other requests for long.
 */
import type { RequestBudget } from '../ingest-limits';
import { runAll, runSliced } from './sliced';
import { readKeyValue, scanSpan, type KeySet, type ScannedSpan } from './span-scan';
import { Cursor, expectWire, LEN, VARINT } from './wire';

export type AttributeMap = Record<string, unknown>;

/** One span of a request: what was read of it, and where its bytes are in the request. */
export interface SpanSlice {
  span: ScannedSpan;
  start: number;
  end: number;
}

/** The spans of one ScopeSpans, with their resource and scope. */
export interface SpanGroup {
  resource: AttributeMap;
  scope: { name: string; version: string };
  spans: SpanSlice[];
}

/** A Resource message: its attributes, in a null-prototype object (keys are data, `__proto__` included). */
export function resourceOf(buf: Buffer, start: number, end: number, budget: RequestBudget | undefined): AttributeMap {
  const out: AttributeMap = Object.create(null);
  const c = new Cursor(buf, start, end, budget);
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    if (field === 1) {
      expectWire(c, field, tag & 7, LEN);
      const s = c.len();
      readKeyValue(buf, s, c.pos, out, budget);
    } else if (field === 2) {
      expectWire(c, field, tag & 7, VARINT);
      c.skipVarint();
    } else c.skip(tag & 7);
  }
  return out;
}

/** An InstrumentationScope: its name and version (its attributes are checked, not kept). */
export function scopeOf(buf: Buffer, start: number, end: number, budget: RequestBudget | undefined): { name: string; version: string } {
  const scope = { name: '', version: '' };
  const c = new Cursor(buf, start, end, budget);
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    if (field === 1 || field === 2 || field === 3) {
      expectWire(c, field, tag & 7, LEN);
      const s = c.len();
      if (field === 1) scope.name = buf.toString('utf8', s, c.pos);
      else if (field === 2) scope.version = buf.toString('utf8', s, c.pos);
      else readKeyValue(buf, s, c.pos, Object.create(null), budget);
    } else if (field === 4) {
      expectWire(c, field, tag & 7, VARINT);
      c.skipVarint();
    } else c.skip(tag & 7);
  }
  return scope;
}

/** Walks the request, appending to `groups`; yields after each span (and each ResourceSpans and ScopeSpans). */
function* walk(bytes: Buffer, keys: KeySet, budget: RequestBudget | undefined, groups: SpanGroup[]): Generator<void, void, void> {
  const top = new Cursor(bytes, 0, bytes.length, budget);
  while (top.pos < top.end) {
    const tag = top.tag();
    // Also yields between top-level fields and ScopeSpans: a body of millions of empty ones has no span to yield after.
    yield;
    if (tag >>> 3 !== 1) {
      top.skip(tag & 7);
      continue;
    }
    expectWire(top, 1, tag & 7, LEN);
    const rs = new Cursor(bytes, top.len(), top.pos, budget);
    let resource: AttributeMap = Object.create(null);
    const mine: SpanGroup[] = [];
    while (rs.pos < rs.end) {
      const rtag = rs.tag();
      const rfield = rtag >>> 3;
      if (rfield === 1 || rfield === 2 || rfield === 3) {
        expectWire(rs, rfield, rtag & 7, LEN);
        const s = rs.len();
        if (rfield === 1) resource = resourceOf(bytes, s, rs.pos, budget);
        if (rfield !== 2) continue;
        yield;
        const group: SpanGroup = { resource, scope: { name: '', version: '' }, spans: [] };
        const ss = new Cursor(bytes, s, rs.pos, budget);
        while (ss.pos < ss.end) {
          const stag = ss.tag();
          const sfield = stag >>> 3;
          if (sfield === 1 || sfield === 2 || sfield === 3) {
            expectWire(ss, sfield, stag & 7, LEN);
            const from = ss.len();
            if (sfield === 1) group.scope = scopeOf(bytes, from, ss.pos, budget);
            else if (sfield === 2) {
              group.spans.push({ span: scanSpan(bytes, from, ss.pos, keys, budget), start: from, end: ss.pos });
              yield;
            }
          } else ss.skip(stag & 7);
        }
        // Only groups with spans are kept: a body of empty ScopeSpans costs no memory.
        if (group.spans.length > 0) mine.push(group);
      } else rs.skip(rtag & 7);
    }
    // The resource may come after the scopes in the bytes: every group of this ResourceSpans shares it.
    for (const g of mine) {
      g.resource = resource;
      groups.push(g);
    }
  }
}

/** The request's spans, read in one go. Throws `ProtobufError` on malformed bytes, `LimitError` past a limit of `budget`. */
export function splitTraceRequest(bytes: Buffer, keys: KeySet, budget?: RequestBudget): SpanGroup[] {
  const groups: SpanGroup[] = [];
  runAll(walk(bytes, keys, budget, groups));
  return groups;
}

/** As `splitTraceRequest`, in slices that hand the event loop back (sliced.ts), stopping at the budget's deadline. */
export async function splitTraceRequestAsync(bytes: Buffer, keys: KeySet, budget: RequestBudget): Promise<SpanGroup[]> {
  const groups: SpanGroup[] = [];
  await runSliced(walk(bytes, keys, budget, groups), budget);
  return groups;
}
