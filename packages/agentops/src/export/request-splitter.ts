/**
 * Export requests under a byte budget (`delivery.maxRequestBytes`, default 4 MiB, below what the
 * backend and common collectors accept), so that one batch of big spans is not refused whole (413)
 * or evicted whole from a destination's buffer, taking small spans with it. A batch that encodes
 * within the budget (the common case) is encoded once, as before. One that does not is packed into
 * groups by an estimate of each span's size, each group encoded on its own, and a group still too
 * big is halved. A single span above the budget is sent with its largest string values cut down
 * (with the truncation marker) and `agentops.span.truncated=true`: smaller, never dropped.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { AGENTOPS_SPAN_TRUNCATED } from '../semconv';
import { truncate } from '../serialize/truncate';

export interface EncodedPart {
  readonly body: Uint8Array;
  readonly spans: number;
}

export type Encode = (spans: ReadableSpan[]) => Uint8Array;

// A span's strings are most of its bytes; the rest (ids, times, keys, framing) is about this much.
const SPAN_OVERHEAD = 200;
// Groups are packed to this share of the budget: the estimate does not count every byte.
const PACK_SHARE = 0.8;
// What a cut string keeps at least, so a truncated prompt still says what it was.
const MIN_KEEP = 1024;

function valueSize(v: AttributeValue | undefined): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) {
    let n = 0;
    for (const x of v) n += typeof x === 'string' ? x.length : 8;
    return n;
  }
  return 8;
}

function attributesSize(a: Attributes): number {
  let n = 0;
  for (const k in a) n += k.length + valueSize(a[k]);
  return n;
}

/** About how many bytes `span` takes encoded (UTF-16 length stands in for UTF-8 bytes). */
export function estimateSpanSize(span: ReadableSpan): number {
  let n = SPAN_OVERHEAD + span.name.length + attributesSize(span.attributes);
  for (const e of span.events) n += e.name.length + (e.attributes ? attributesSize(e.attributes) : 0);
  return n;
}

/** Encodes `spans` into one or more requests, each within `budget` bytes where that can be done. */
export function encodeWithin(spans: ReadableSpan[], encode: Encode, budget: number): EncodedPart[] {
  const body = encode(spans);
  if (body.length <= budget) return [{ body, spans: spans.length }];
  const parts: EncodedPart[] = [];
  for (const group of pack(spans, budget * PACK_SHARE)) split(group, encode, budget, parts, group.length === spans.length ? body : undefined);
  return parts;
}

/** Consecutive groups whose estimated size stays under `target` (a span bigger than it is a group of its own). */
function pack(spans: ReadableSpan[], target: number): ReadableSpan[][] {
  const groups: ReadableSpan[][] = [];
  let group: ReadableSpan[] = [];
  let size = 0;
  for (const s of spans) {
    const n = estimateSpanSize(s);
    if (group.length > 0 && size + n > target) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(s);
    size += n;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function split(spans: ReadableSpan[], encode: Encode, budget: number, out: EncodedPart[], encoded?: Uint8Array): void {
  const body = encoded ?? encode(spans);
  if (body.length <= budget) {
    out.push({ body, spans: spans.length });
    return;
  }
  if (spans.length === 1) {
    out.push({ body: encode([shrink(spans[0]!, body.length, budget)]), spans: 1 });
    return;
  }
  const mid = spans.length >>> 1;
  split(spans.slice(0, mid), encode, budget, out);
  split(spans.slice(mid), encode, budget, out);
}

interface Candidate {
  size: number;
  cut(keep: number): void;
}

/**
 * A view of `span` (the span itself is left as it is: other processors may hold it) whose largest
 * string values are cut until it should fit `budget`; marked `agentops.span.truncated`.
 */
export function shrink(span: ReadableSpan, encodedSize: number, budget: number): ReadableSpan {
  const attributes: Attributes = { ...span.attributes };
  const events: TimedEvent[] = span.events.map((e) => ({ ...e, attributes: e.attributes ? { ...e.attributes } : undefined }));
  const candidates: Candidate[] = [];
  const collect = (a: Attributes): void => {
    for (const k in a) {
      const v = a[k];
      if (typeof v === 'string' && v.length > MIN_KEEP) candidates.push({ size: v.length, cut: (keep) => (a[k] = truncate(v, keep)) });
    }
  };
  collect(attributes);
  for (const e of events) if (e.attributes) collect(e.attributes);
  candidates.sort((x, y) => y.size - x.size);
  // Cut the largest values first, each no further than needed, until the excess is gone.
  let excess = encodedSize - budget * PACK_SHARE;
  for (const c of candidates) {
    if (excess <= 0) break;
    const keep = Math.max(MIN_KEEP, c.size - Math.ceil(excess));
    c.cut(keep);
    excess -= c.size - keep;
  }
  attributes[AGENTOPS_SPAN_TRUNCATED] = true;
  const view = Object.create(span) as ReadableSpan;
  Object.defineProperty(view, 'attributes', { value: attributes, enumerable: true });
  Object.defineProperty(view, 'events', { value: events, enumerable: true });
  Object.defineProperty(view, 'name', { value: truncate(span.name, Math.max(MIN_KEEP, Math.floor(budget / 16))), enumerable: true });
  return view;
}
