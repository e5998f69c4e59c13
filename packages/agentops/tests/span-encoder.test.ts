/**
 * The span encoder produces the same ExportTraceServiceRequest as OpenTelemetry's serializer:
 * both outputs, decoded with the opentelemetry-proto schema, are equal for arbitrary spans.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type AttributeValue, type Context } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { decodeTraceRequest } from '../../../testing/otlp-decode';
import { encodeTraceRequest } from '../src/otlp/span-encoder';

const attrValue: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ minLength: 100, maxLength: 3000 }),
  fc.boolean(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(2 ** 60, -(2 ** 60), 0, -1, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.string(), { maxLength: 4 }),
  fc.array(fc.integer(), { maxLength: 4 }),
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 3 }),
  fc.array(fc.boolean(), { maxLength: 3 }),
);
const attrs: fc.Arbitrary<Attributes> = fc.dictionary(fc.string({ minLength: 1, maxLength: 40 }), attrValue, { maxKeys: 8 });

const spanSpec = fc.record({
  name: fc.string({ unit: 'binary', maxLength: 60 }),
  kind: fc.constantFrom(SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.SERVER, SpanKind.PRODUCER, SpanKind.CONSUMER),
  attributes: attrs,
  events: fc.array(fc.record({ name: fc.string(), attributes: attrs, at: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }) }), { maxLength: 3 }),
  status: fc.constantFrom({ code: SpanStatusCode.UNSET }, { code: SpanStatusCode.OK }, { code: SpanStatusCode.ERROR, message: 'boom ✗' }, { code: SpanStatusCode.ERROR }),
  start: fc.integer({ min: 1_000_000_000_000, max: 4_000_000_000_000 }),
  duration: fc.integer({ min: 0, max: 10_000_000 }),
  child: fc.boolean(),
  remoteParent: fc.boolean(),
  traceState: fc.option(fc.constantFrom('vendor=abc', 'a=1,b=2'), { nil: undefined }),
  link: fc.option(attrs, { nil: undefined }),
  tracer: fc.constantFrom(0, 1, 2),
  provider: fc.constantFrom(0, 1),
});

type SpanSpec = typeof spanSpec extends fc.Arbitrary<infer T> ? T : never;

function makeSpans(specs: SpanSpec[]): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const providers = [
    new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'a', 'host.name': 'h' }), spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
    new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'b', n: 1, ok: true, list: ['x', 'y'] }), spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
  ];
  for (const spec of specs) {
    const tracer = providers[spec.provider]!.getTracer(`scope-${spec.tracer}`, spec.tracer === 1 ? '1.2.3' : undefined);
    let ctx: Context | undefined = undefined;
    if (spec.child) {
      const parent = {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.SAMPLED,
        isRemote: spec.remoteParent,
        traceState: spec.traceState ? new TraceState(spec.traceState) : undefined,
      };
      ctx = trace.setSpanContext(ROOT_CONTEXT, parent);
    }
    const links = spec.link ? [{ context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true }, attributes: spec.link }] : [];
    const span = tracer.startSpan(spec.name, { kind: spec.kind, startTime: spec.start, links }, ctx);
    span.setAttributes(spec.attributes);
    for (const e of spec.events) span.addEvent(e.name, e.attributes, e.at);
    span.setStatus(spec.status);
    span.end(spec.start + spec.duration / 1000);
  }
  return exporter.getFinishedSpans();
}

/** Decoded spans as a comparable list (order of spans within a request can differ only by grouping). */
function decoded(bytes: Uint8Array): unknown[] {
  return decodeTraceRequest(bytes)
    .map((s) => ({ ...s }))
    .sort((a, b) => (a.spanId + a.name < b.spanId + b.name ? -1 : 1));
}

describe('span encoder', () => {
  it('matches OpenTelemetry serializer output for arbitrary spans (decoded and compared)', () => {
    fc.assert(
      fc.property(fc.array(spanSpec, { minLength: 1, maxLength: 12 }), (specs) => {
        const spans = makeSpans(specs);
        const ours = encodeTraceRequest(spans);
        const theirs = ProtobufTraceSerializer.serializeRequest(spans)!;
        expect(decoded(ours)).toEqual(decoded(theirs));
      }),
      { numRuns: 400 },
    );
  });

  it('encodes large batches of large strings, growing its buffer, and is never longer than the reference', () => {
    const big = 'p'.repeat(100_000) + '😀' + 'é'.repeat(5000);
    const spans = makeSpans(
      Array.from({ length: 300 }, (_, i) => ({
        name: `s${i}`,
        kind: SpanKind.CLIENT,
        attributes: { 'gen_ai.input.messages': big, n: i, f: i + 0.5 },
        events: [],
        status: { code: SpanStatusCode.UNSET },
        start: 1_700_000_000_000 + i,
        duration: 5,
        child: false,
        remoteParent: false,
        traceState: undefined,
        link: undefined,
        tracer: 0,
        provider: 0,
      })),
    );
    const ours = encodeTraceRequest(spans);
    const theirs = ProtobufTraceSerializer.serializeRequest(spans)!;
    expect(decoded(ours)).toEqual(decoded(theirs));
    expect(ours.length).toBeLessThanOrEqual(theirs.length);
  });
});
