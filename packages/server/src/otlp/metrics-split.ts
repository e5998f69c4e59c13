/**
 * Decodes an OTLP/protobuf ExportMetricsServiceRequest into metrics and their data points, the way
 * trace-split.ts reads traces: the structure with the strict wire reader, each data point checked
 * (message-check.ts) and counted before protobufjs decodes it, and the event loop handed back
 * between points every few milliseconds. Metrics without a data point are not kept.
 */
import type protobuf from 'protobufjs';
import type { RequestBudget } from '../ingest-limits';
import { checkMessage } from './message-check';
import { runAll, runSliced } from './sliced';
import { point, POINT_TYPES, TO_OBJECT, type DecodedMetric } from './otlp-decode';
import { resourceOf, scopeOf, type AttributeMap } from './trace-split';
import { Cursor, expectWire, LEN, VARINT } from './wire';

type MetricType = keyof typeof POINT_TYPES;
const DATA_FIELDS: Partial<Record<number, MetricType>> = { 5: 'gauge', 7: 'sum', 9: 'histogram', 10: 'exponential_histogram', 11: 'summary' };

/** Reads the data message (Gauge, Sum, ...) of one metric into `m`; yields after each point. */
function* data(bytes: Buffer, start: number, end: number, m: DecodedMetric, pointType: protobuf.Type, budget: RequestBudget | undefined): Generator<void, void, void> {
  const c = new Cursor(bytes, start, end, budget);
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    if (field === 1) {
      expectWire(c, field, tag & 7, LEN);
      const s = c.len();
      budget?.span();
      checkMessage(pointType, bytes, s, c.pos, budget);
      m.points.push(point(pointType.toObject(pointType.decode(bytes.subarray(s, c.pos)), TO_OBJECT)));
      yield;
    } else if ((field === 2 && m.type !== 'gauge' && m.type !== 'summary') || (field === 3 && m.type === 'sum')) {
      expectWire(c, field, tag & 7, VARINT);
      if (field === 2) m.temporality = Number(c.varint64());
      else m.isMonotonic = c.varint64() !== 0n;
    } else c.skip(tag & 7);
  }
}

function* metric(bytes: Buffer, start: number, end: number, out: DecodedMetric[], budget: RequestBudget | undefined): Generator<void, void, void> {
  const m: DecodedMetric = { name: '', description: '', unit: '', type: 'unknown', temporality: 0, isMonotonic: false, points: [], resource: {}, scope: { name: '', version: '' } };
  const c = new Cursor(bytes, start, end, budget);
  while (c.pos < c.end) {
    const tag = c.tag();
    const field = tag >>> 3;
    const type = DATA_FIELDS[field];
    if (field >= 1 && field <= 3) {
      expectWire(c, field, tag & 7, LEN);
      const s = c.len();
      const text = bytes.toString('utf8', s, c.pos);
      if (field === 1) m.name = text;
      else if (field === 2) m.description = text;
      else m.unit = text;
    } else if (type !== undefined) {
      expectWire(c, field, tag & 7, LEN);
      const s = c.len();
      // One data field per metric (a oneof): a later one of another type replaces the earlier.
      if (m.type !== type) Object.assign(m, { type, temporality: 0, isMonotonic: false, points: [] });
      yield* data(bytes, s, c.pos, m, POINT_TYPES[type], budget);
    } else c.skip(tag & 7);
  }
  if (m.points.length > 0) out.push(m);
}

function* walk(bytes: Buffer, budget: RequestBudget | undefined, out: DecodedMetric[]): Generator<void, void, void> {
  const top = new Cursor(bytes, 0, bytes.length, budget);
  while (top.pos < top.end) {
    const tag = top.tag();
    yield;
    if (tag >>> 3 !== 1) {
      top.skip(tag & 7);
      continue;
    }
    expectWire(top, 1, tag & 7, LEN);
    const rm = new Cursor(bytes, top.len(), top.pos, budget);
    let resource: AttributeMap = Object.create(null);
    const mine: DecodedMetric[] = [];
    while (rm.pos < rm.end) {
      const rtag = rm.tag();
      const rfield = rtag >>> 3;
      if (rfield < 1 || rfield > 3) {
        rm.skip(rtag & 7);
        continue;
      }
      expectWire(rm, rfield, rtag & 7, LEN);
      const s = rm.len();
      if (rfield === 1) resource = resourceOf(bytes, s, rm.pos, budget);
      if (rfield !== 2) continue;
      yield;
      const sm = new Cursor(bytes, s, rm.pos, budget);
      let scope = { name: '', version: '' };
      const ofScope: DecodedMetric[] = [];
      while (sm.pos < sm.end) {
        const stag = sm.tag();
        const sfield = stag >>> 3;
        if (sfield < 1 || sfield > 3) {
          sm.skip(stag & 7);
          continue;
        }
        expectWire(sm, sfield, stag & 7, LEN);
        const from = sm.len();
        if (sfield === 1) scope = scopeOf(bytes, from, sm.pos, budget);
        else if (sfield === 2) {
          yield* metric(bytes, from, sm.pos, ofScope, budget);
          yield;
        }
      }
      for (const m of ofScope) {
        m.scope = scope;
        mine.push(m);
      }
    }
    // The resource may come after the metrics in the bytes: every metric of this ResourceMetrics shares it.
    for (const m of mine) {
      m.resource = resource;
      out.push(m);
    }
  }
}

/** The request's metrics with their points, read in one go. Throws `ProtobufError` on malformed bytes, `LimitError` past a limit. */
export function decodeMetricsStrict(bytes: Buffer, budget?: RequestBudget): DecodedMetric[] {
  const out: DecodedMetric[] = [];
  runAll(walk(bytes, budget, out));
  return out;
}

/** As `decodeMetricsStrict`, in slices that hand the event loop back (sliced.ts), stopping at the budget's deadline. */
export async function decodeMetricsAsync(bytes: Buffer, budget: RequestBudget): Promise<DecodedMetric[]> {
  const out: DecodedMetric[] = [];
  await runSliced(walk(bytes, budget, out), budget);
  return out;
}
