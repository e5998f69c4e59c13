/**
 * The span scanner the local backend ingests with reads what protobufjs reads (ids, name, kind,
 * times, status code, the attributes asked for, of every value type) from real SDK spans and from
 * hand-built ones, and refuses malformed bytes anywhere in a span, down to nested attribute values.
 */
import protobuf from 'protobufjs';
import { decodeTraceRequest, TraceRequest } from '../src/otlp/otlp-decode';
import { splitTraceRequest } from '../src/otlp/trace-split';
import { KeySet, scanSpan, SpanScanError } from '../src/otlp/span-scan';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { protobufTraces, sampleSpans } from '../../../testing/otlp-fixtures';

const ALL_KEYS = new KeySet(['agentops.event.type', 'gen_ai.usage.input_tokens', 'agentops.llm.cost_usd', 'agentops.tags', 'session.id', 'b', 'i', 'neg', 'd', 'bytes', 'arr', 'kv', 'absent']);

function encode(spans: unknown[]): Buffer {
  return Buffer.from(TraceRequest.encode(TraceRequest.fromObject({ resource_spans: [{ resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] }, scope_spans: [{ scope: { name: 'sc', version: '1' }, spans }] }] })).finish());
}

const base = { trace_id: Buffer.alloc(16, 0x11), span_id: Buffer.alloc(8, 0x22), name: 'op', kind: 3, start_time_unix_nano: '1700000000123456789', end_time_unix_nano: '1700000000223456789' };

describe('scanSpan', () => {
  let restoreEnv: () => void;
  beforeAll(() => (restoreEnv = setEnv(SDK_ENV_CLEAR)));
  afterAll(() => restoreEnv());

  it('reads what protobufjs reads from real SDK spans', async () => {
    const body = protobufTraces(await sampleSpans(2, 'scan'));
    const expected = decodeTraceRequest(body);
    const groups = splitTraceRequest(body, ALL_KEYS);
    const scanned = groups.flatMap((g) => g.spans);
    expect(scanned).toHaveLength(expected.length);
    scanned.forEach(({ span, start, end }, i) => {
      const e = expected[i]!;
      expect(span).toEqual({
        traceId: e.traceId,
        spanId: e.spanId,
        parentSpanId: e.parentSpanId,
        name: e.name,
        kind: e.kind,
        startNs: BigInt(e.startTimeUnixNano),
        endNs: BigInt(e.endTimeUnixNano),
        status: { code: e.status.code },
        attributes: Object.fromEntries(Object.entries(e.attributes).filter(([k]) => ALL_KEYS.match(Buffer.from(k), 0, Buffer.byteLength(k)) !== undefined)),
      });
      expect(end).toBeGreaterThan(start);
    });
    expect(groups[0]!.resource['service.name']).toBe(expected[0]!.resource['service.name']);
    expect(groups[0]!.scope).toEqual(expected[0]!.scope);
  });

  it('reads every attribute value type as protobufjs does', () => {
    const attributes = [
      { key: 'b', value: { bool_value: true } },
      { key: 'i', value: { int_value: 42 } },
      { key: 'neg', value: { int_value: -7 } },
      { key: 'd', value: { double_value: 0.25 } },
      { key: 'bytes', value: { bytes_value: Buffer.from([1, 2, 255]) } },
      { key: 'arr', value: { array_value: { values: [{ string_value: 'x' }, { int_value: 1 }] } } },
      { key: 'kv', value: { kvlist_value: { values: [{ key: 'inner', value: { array_value: { values: [{ bool_value: false }] } } }] } } },
      { key: 'not-asked', value: { string_value: 'skipped' } },
    ];
    const body = encode([{ ...base, attributes, status: { code: 2, message: 'boom' }, events: [{ name: 'exception', time_unix_nano: '1', attributes }], links: [{ trace_id: Buffer.alloc(16, 3), span_id: Buffer.alloc(8, 4), attributes }] }]);
    const [e] = decodeTraceRequest(body);
    const { span } = splitTraceRequest(body, ALL_KEYS)[0]!.spans[0]!;
    const { 'not-asked': skipped, ...asked } = e!.attributes;
    expect(skipped).toBe('skipped');
    expect(span.attributes).toEqual(asked);
    expect(span.status.code).toBe(2);
    expect(span.parentSpanId).toBeUndefined();
    expect(span.startNs).toBe(1700000000123456789n);
  });

  it('refuses malformed bytes anywhere in a span', () => {
    const good = encode([{ ...base, attributes: [{ key: 'kv', value: { kvlist_value: { values: [{ key: 'k', value: { string_value: 'v' } }] } } }] }]);
    const { start, end } = splitTraceRequest(good, ALL_KEYS)[0]!.spans[0]!;
    const span = good.subarray(start, end);
    const scan = (b: Buffer): unknown => scanSpan(b, 0, b.length, ALL_KEYS);
    expect(() => scan(span)).not.toThrow();
    // Cut anywhere, the span is refused, unless the cut falls exactly between two of its fields
    // (that leaves a shorter span that is valid).
    const boundaries = new Set<number>();
    const r = protobuf.Reader.create(span);
    while (r.pos < r.len) {
      r.skipType(r.uint32() & 7);
      boundaries.add(r.pos);
    }
    for (let cut = 1; cut < span.length; cut++) {
      const t = span.subarray(0, cut);
      if (boundaries.has(cut)) expect(() => scan(t)).not.toThrow();
      else expect(() => scan(t)).toThrow(SpanScanError);
    }
    // A known field with the wrong wire type (name, field 5, as a varint).
    expect(() => scan(Buffer.from([0x28, 0x01]))).toThrow(SpanScanError);
    // Wire type 7 does not exist (on field 20, which the scanner does not know).
    expect(() => scan(Buffer.from([0xa7, 0x01]))).toThrow(/invalid wire type 7/);
    // An attribute value whose string field claims more bytes than its message has.
    expect(() => scan(Buffer.from([0x4a, 0x05, 0x12, 0x03, 0x0a, 0x09, 0x41]))).toThrow(/runs past the end/);
    // Attribute values nested deeper than 32 levels.
    let deep: Record<string, unknown> = { string_value: 'bottom' };
    for (let i = 0; i < 40; i++) deep = { array_value: { values: [deep] } };
    const nested = encode([{ ...base, attributes: [{ key: 'x', value: deep }] }]);
    expect(() => splitTraceRequest(nested, ALL_KEYS)).toThrow(/nested deeper than 32/);
  });
});
