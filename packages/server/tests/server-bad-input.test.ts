/**
 * Acceptance (local backend, bad input): 1,000 random, truncated and wrongly typed bodies each get
 * a 400 with a Status body; the server stays up and what was stored before is intact. The same
 * for `/v1/metrics`. A body over the size cap gets 413, whether its length is declared, streamed,
 * or only reached by gunzip.
 */
import { gzipSync } from 'node:zlib';
import { RpcStatus } from '../src/otlp/otlp-decode';
import { startServer, type LocalServer, type SpanView } from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { jsonMetrics, jsonTraces, protobufMetrics, protobufTraces, sampleMetrics, sampleSpans } from '../../../testing/otlp-fixtures';
import { tempDb } from './helpers/temp-db';

/** mulberry32: a seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Body {
  what: string;
  body: Buffer;
  type: string;
  gzip?: boolean;
}

function wrongTypes(valid: Record<string, unknown>): Array<[string, unknown]> {
  const clone = (): Record<string, any> => JSON.parse(JSON.stringify(valid)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const span = (mutate: (s: Record<string, unknown>) => void): unknown => {
    const c = clone();
    mutate(c.resourceSpans[0].scopeSpans[0].spans[0] as Record<string, unknown>);
    return c;
  };
  return [
    ['root is null', null],
    ['root is an array', []],
    ['root is a string', 'traces'],
    ['resourceSpans is a string', { resourceSpans: 'x' }],
    ['scopeSpans is an object', { resourceSpans: [{ scopeSpans: {} }] }],
    ['span is a number', { resourceSpans: [{ scopeSpans: [{ spans: [7] }] }] }],
    ['name is a number', span((s) => (s.name = 5))],
    ['name is an object', span((s) => (s.name = { a: 1 }))],
    ['traceId is a number', span((s) => (s.traceId = 12))],
    ['traceId is not hex', span((s) => (s.traceId = 'z'.repeat(32)))],
    ['kind is an unknown name', span((s) => (s.kind = 'SPAN_KIND_BOGUS'))],
    ['kind is a float', span((s) => (s.kind = 1.5))],
    ['start time is a boolean', span((s) => (s.startTimeUnixNano = true))],
    ['start time is not an integer', span((s) => (s.startTimeUnixNano = '12.5'))],
    ['attributes is an object', span((s) => (s.attributes = {}))],
    ['attribute key is a number', span((s) => (s.attributes = [{ key: 1, value: { stringValue: 'x' } }]))],
    ['intValue is a float string', span((s) => (s.attributes = [{ key: 'k', value: { intValue: '1.5' } }]))],
    ['boolValue is a string', span((s) => (s.attributes = [{ key: 'k', value: { boolValue: 'yes' } }]))],
    ['status is an array', span((s) => (s.status = []))],
    ['event time is text', span((s) => (s.events = [{ name: 'e', timeUnixNano: 'abc' }]))],
    ['links is a string', span((s) => (s.links = 'none'))],
  ];
}

describe('bad input', () => {
  const db = tempDb();
  let server: LocalServer;
  let token: string;
  let restoreEnv: () => void;

  beforeAll(async () => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    server = await startServer({ port: 0, dbPath: db.file, maxBodyBytes: 256 * 1024 });
    const res = await fetch(`${server.url}/v3/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: server.apiKey }) });
    token = ((await res.json()) as { token: string }).token;
  });

  afterAll(async () => {
    await server.close();
    restoreEnv();
    db.remove();
  });

  const post = (body: Buffer | string, headers: Record<string, string>, path = '/v1/traces'): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, ...headers } });

  /** Posts the bodies 20 at a time; each must get a 400 with a Status in the request's encoding. */
  async function expectAll400(bodies: Body[], path: string): Promise<void> {
    const failures: string[] = [];
    for (let i = 0; i < bodies.length; i += 20) {
      await Promise.all(
        bodies.slice(i, i + 20).map(async (b) => {
          const res = await post(b.body, { 'content-type': b.type, ...(b.gzip ? { 'content-encoding': 'gzip' } : {}) }, path);
          const body = Buffer.from(await res.arrayBuffer());
          if (res.status !== 400) failures.push(`${b.what}: HTTP ${res.status}`);
          else if (b.type === 'application/json') expect((JSON.parse(body.toString()) as { code: number }).code).toBe(3);
          else expect(RpcStatus.toObject(RpcStatus.decode(body))).toMatchObject({ code: 3 });
        }),
      );
    }
    expect(failures).toEqual([]);
  }

  async function storedSpans(traceId: string): Promise<SpanView[]> {
    const res = await fetch(`${server.url}/api/sessions/${traceId}/spans`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { spans: SpanView[] }).spans;
  }

  it('answers 1,000 undecodable bodies with 400, stays up, and keeps earlier data intact', async () => {
    const spans = await sampleSpans(1, 'before');
    const traceId = spans[0]!.spanContext().traceId;
    expect((await post(protobufTraces(spans), { 'content-type': 'application/x-protobuf' })).status).toBe(200);
    const before = await storedSpans(traceId);
    expect(before).toHaveLength(spans.length);
    const spansBefore = server.countSpans();

    const random = rng(20_241_121);
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const validProto = protobufTraces(spans);
    const validJsonText = jsonTraces(spans);
    const validJson = JSON.parse(validJsonText.toString()) as Record<string, unknown>;
    const typed = wrongTypes(validJson);
    const bodies: Body[] = [];
    for (let i = 0; i < 1000; i++) {
      const pick = i % 10;
      const len = 1 + Math.floor(random() * 600);
      if (pick < 2) {
        // Field 1 with wire type 7, which does not exist, then noise.
        bodies.push({ what: 'random protobuf (bad wire type)', body: Buffer.concat([Buffer.from([0x0f]), bytes(len)]), type: 'application/x-protobuf' });
      } else if (pick < 4) {
        // Field 1, length-delimited, announcing more bytes than follow.
        bodies.push({ what: 'random protobuf (overlong field)', body: Buffer.concat([Buffer.from([0x0a, 0xff, 0xff, 0x03]), bytes(len)]), type: 'application/x-protobuf' });
      } else if (pick < 6) {
        // One ResourceSpans spans the whole request: any cut inside it leaves it incomplete.
        bodies.push({ what: 'truncated protobuf', body: validProto.subarray(0, 1 + Math.floor(random() * (validProto.length - 1))), type: 'application/x-protobuf' });
      } else if (pick === 6) {
        bodies.push({ what: 'truncated JSON', body: validJsonText.subarray(0, 1 + Math.floor(random() * (validJsonText.length - 1))), type: 'application/json' });
      } else if (pick === 7) {
        bodies.push({ what: 'random bytes as JSON', body: Buffer.concat([Buffer.from([0x01]), bytes(len)]), type: 'application/json' });
      } else if (pick === 8) {
        const [what, value] = typed[Math.floor(random() * typed.length)]!;
        bodies.push({ what: `JSON with wrong types: ${what}`, body: Buffer.from(JSON.stringify(value)), type: 'application/json' });
      } else {
        bodies.push({ what: 'gzip header on bytes that are not gzip', body: bytes(len), type: 'application/x-protobuf', gzip: true });
      }
    }

    await expectAll400(bodies, '/v1/traces');

    // Still up, nothing new stored, the earlier session as it was, and new data still accepted.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.countSpans()).toBe(spansBefore);
    expect(await storedSpans(traceId)).toEqual(before);
    const after = await sampleSpans(1, 'after');
    expect((await post(jsonTraces(after), { 'content-type': 'application/json' })).status).toBe(200);
    expect(await storedSpans(after[0]!.spanContext().traceId)).toHaveLength(after.length);
  });

  it('answers 500 undecodable metrics bodies with 400, stays up, and keeps earlier points intact', async () => {
    const metrics = await sampleMetrics();
    expect((await post(protobufMetrics(metrics), { 'content-type': 'application/x-protobuf' }, '/v1/metrics')).status).toBe(200);
    const stored = async (): Promise<{ points: unknown[] }> => {
      const res = await fetch(`${server.url}/api/metrics/gen_ai.client.token.usage`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as { points: unknown[] };
    };
    const before = await stored();
    expect(before.points).toHaveLength(1);

    const random = rng(20_261_121);
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const validProto = protobufMetrics(metrics);
    const validJsonText = jsonMetrics(metrics);
    const valid = JSON.parse(validJsonText.toString()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    // The request with its histogram changed by `mutate`.
    const histogram = (mutate: (m: Record<string, any>) => void): unknown => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const c = JSON.parse(JSON.stringify(valid)) as typeof valid;
      const ms = c.resourceMetrics[0].scopeMetrics[0].metrics as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      mutate(ms.find((m) => m.histogram)!);
      return c;
    };
    const typed: Array<[string, unknown]> = [
      ['root is null', null],
      ['root is an array', []],
      ['resourceMetrics is a string', { resourceMetrics: 'x' }],
      ['scopeMetrics is an object', { resourceMetrics: [{ scopeMetrics: {} }] }],
      ['metric is a number', { resourceMetrics: [{ scopeMetrics: [{ metrics: [7] }] }] }],
      ['name is a number', histogram((m) => (m.name = 5))],
      ['dataPoints is a string', histogram((m) => (m.histogram.dataPoints = 'x'))],
      ['bucketCounts is an object', histogram((m) => (m.histogram.dataPoints[0].bucketCounts = { a: 1 }))],
      ['explicitBounds holds text', histogram((m) => (m.histogram.dataPoints[0].explicitBounds = ['a']))],
      ['count is a float string', histogram((m) => (m.histogram.dataPoints[0].count = '1.5'))],
      ['time is a boolean', histogram((m) => (m.histogram.dataPoints[0].timeUnixNano = true))],
      ['attribute key is a number', histogram((m) => (m.histogram.dataPoints[0].attributes = [{ key: 1, value: { stringValue: 'x' } }]))],
    ];
    const bodies: Body[] = typed.map(([what, value]) => ({ what: `JSON with wrong types: ${what}`, body: Buffer.from(JSON.stringify(value)), type: 'application/json' }));
    while (bodies.length < 500) {
      const pick = bodies.length % 6;
      const len = 1 + Math.floor(random() * 600);
      if (pick === 0) bodies.push({ what: 'random protobuf (bad wire type)', body: Buffer.concat([Buffer.from([0x0f]), bytes(len)]), type: 'application/x-protobuf' });
      else if (pick === 1) bodies.push({ what: 'random protobuf (overlong field)', body: Buffer.concat([Buffer.from([0x0a, 0xff, 0xff, 0x03]), bytes(len)]), type: 'application/x-protobuf' });
      // One ResourceMetrics spans the whole request: any cut inside it leaves it incomplete.
      else if (pick === 2) bodies.push({ what: 'truncated protobuf', body: validProto.subarray(0, 1 + Math.floor(random() * (validProto.length - 1))), type: 'application/x-protobuf' });
      else if (pick === 3) bodies.push({ what: 'truncated JSON', body: validJsonText.subarray(0, 1 + Math.floor(random() * (validJsonText.length - 1))), type: 'application/json' });
      else if (pick === 4) bodies.push({ what: 'random bytes as JSON', body: Buffer.concat([Buffer.from([0x01]), bytes(len)]), type: 'application/json' });
      else bodies.push({ what: 'gzip header on bytes that are not gzip', body: bytes(len), type: 'application/x-protobuf', gzip: true });
    }
    await expectAll400(bodies, '/v1/metrics');

    // Still up, the earlier points as they were, and new points still accepted.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await stored()).toEqual(before);
    expect((await post(jsonMetrics(await sampleMetrics()), { 'content-type': 'application/json' }, '/v1/metrics')).status).toBe(200);
    expect((await stored()).points).toHaveLength(2);
  });

  it('answers 413 to a body over the cap, declared, streamed or inflated, and keeps serving', async () => {
    const big = Buffer.alloc(300 * 1024, 0x61);
    const declared = await post(big, { 'content-type': 'application/x-protobuf' });
    expect(declared.status).toBe(413);

    const chunks = [big.subarray(0, 150 * 1024), big.subarray(150 * 1024)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const c = chunks.shift();
        if (c) controller.enqueue(c);
        else controller.close();
      },
    });
    const streamed = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      body: stream,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-protobuf' },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);

    // 1 MiB of zeros compresses to about a kilobyte: small on the wire, too large once inflated.
    const bomb = gzipSync(Buffer.alloc(1024 * 1024));
    expect(bomb.length).toBeLessThan(8 * 1024);
    expect((await post(bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' })).status).toBe(413);

    const spans = await sampleSpans(1, 'after-413');
    expect((await post(protobufTraces(spans), { 'content-type': 'application/x-protobuf' })).status).toBe(200);
  });
});
