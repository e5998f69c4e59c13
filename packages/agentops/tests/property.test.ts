/**
 * Acceptance (reliability): events built from arbitrary JavaScript values never throw, and every
 * recorded attribute is a valid OTLP attribute value within the length limit.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import * as agentops from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';

const LIMIT = 512;

/** Values JSON cannot take and code meets anyway. */
const hostile = fc.oneof(
  fc.bigInt(),
  fc.constant(Symbol('s')),
  fc.constant(() => 1),
  fc.constant(new Map<unknown, unknown>([[1, { a: 1n }]])),
  fc.constant(new Set([1, 'x'])),
  fc.constant(new Uint16Array(8)),
  fc.constant(new Error('boom')),
  fc.constant(Object.defineProperty({}, 'bad', { enumerable: true, get: () => { throw new Error('getter'); } })),
  fc.constant(new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); } })),
  fc.constant((() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()),
  fc.string({ minLength: LIMIT, maxLength: LIMIT * 4 }),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
);
const value = fc.oneof(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withDate: true, withNullPrototype: true }), hostile);

function validAttribute(v: unknown): boolean {
  const ok = (x: unknown): boolean =>
    (typeof x === 'string' && x.length <= LIMIT) || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));
  if (Array.isArray(v)) return v.every((x) => x === null || x === undefined || ok(x)) && new Set(v.filter((x) => x != null).map((x) => typeof x)).size <= 1;
  return ok(v);
}

describe('arbitrary values', () => {
  let restoreEnv: () => void;
  beforeEach(() => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
  });
  afterEach(async () => {
    await agentops.shutdown(1000);
    restoreEnv();
  });

  it('never throw and always become valid attributes within the limit', async () => {
    const memory = new InMemorySpanExporter();
    agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, exporters: [memory], spanLimits: { attributeValueLengthLimit: LIMIT } });
    const session = agentops.startSession();
    await fc.assert(
      fc.asyncProperty(value, value, value, value, value, async (a, b, c, d, e) => {
        memory.reset();
        expect(() => {
          session.record(new agentops.LLMEvent({ model: a as string, prompt: b, completion: c, promptTokens: d as number, params: e as agentops.LLMParams, attributes: { x: a, y: c } }));
          session.record(new agentops.ToolEvent({ name: b as string, params: c, returns: d, error: e === undefined ? undefined : e }));
          session.record(new agentops.ActionEvent({ actionType: c as string, params: a, returns: e, logs: b }));
          session.record(new agentops.ErrorEvent({ exception: a, details: b, errorType: c as string }));
        }).not.toThrow();
        await agentops.flush(1000);
        const spans = memory.getFinishedSpans();
        expect(spans.length).toBeGreaterThanOrEqual(3);
        for (const span of spans) {
          for (const [k, v] of Object.entries(span.attributes)) {
            if (!validAttribute(v)) throw new Error(`invalid attribute ${k}: ${String(v).slice(0, 80)}`);
          }
          for (const ev of span.events) for (const v of Object.values(ev.attributes ?? {})) expect(validAttribute(v)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('encode to OTLP bytes a receiver decodes', async () => {
    const receiver = await OtlpReceiver.start();
    const restore = setEnv({ OTLP_EXPORTER_ENDPOINT: receiver.url });
    try {
      agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, spanLimits: { attributeValueLengthLimit: LIMIT } });
      const session = agentops.startSession();
      fc.assert(
        fc.property(value, value, (a, b) => {
          session.record(new agentops.ToolEvent({ name: 'arbitrary', params: a, returns: b, attributes: { a, b } }));
        }),
        { numRuns: 200 },
      );
      session.end();
      expect(await agentops.flush(5000)).toBe(true);
      const spans = receiver.spans().filter((s) => s.name === 'execute_tool arbitrary');
      expect(spans).toHaveLength(200);
      for (const s of spans) for (const v of Object.values(s.attributes)) expect(validAttribute(v)).toBe(true);
    } finally {
      await agentops.shutdown(1000);
      restore();
      await receiver.close();
    }
  });
});
