/**
 * Acceptance (invalid protobuf is a 400, always): a fixed set of malformed bodies, the same on
 * every run (random bytes from fixed seeds), sent to `/v1/traces` and `/v1/metrics`: after every
 * field tag the top level knows or not, of every wire type, a varint of eleven 0xff bytes (longer
 * than the 10 bytes any varint may take) and then random bytes; the same inside a ResourceSpans,
 * a resource, a scope and a span; tags of field 0, of more than 32 bits and of group wire types.
 * Every one is answered 400 with a Status, nothing is stored, and valid data is stored after.
 */
import { RpcStatus } from '../src/otlp/otlp-decode';
import type { LocalServer } from '../src';
import { protobufMetrics, protobufTraces, sampleMetrics, sampleSpans } from '../../../testing/otlp-fixtures';
import { useServer } from './helpers/test-server';

/** mulberry32: a seeded generator, so every run sends the same bytes. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OVERLONG = Buffer.alloc(11, 0xff);

function wrap(field: number, payload: Buffer): Buffer {
  const len: number[] = [];
  for (let n = payload.length; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...len]), payload]);
}

interface Bad {
  what: string;
  body: Buffer;
}

/** The malformed bodies: deterministic, `perTag` random tails for each tag. */
function malformed(seed: number, perTag: number): Bad[] {
  const random = rng(seed);
  const noise = (): Buffer => Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
  const bodies: Bad[] = [];
  // Fields 1 to 20 with each wire type that exists, as they would open the request.
  for (let field = 1; field <= 20; field++) {
    for (const wire of [0, 1, 2, 5]) {
      const tag = Buffer.from(field < 16 ? [(field << 3) | wire] : [((field << 3) | wire) | 0x80, 0x01]);
      for (let i = 0; i < perTag; i++) bodies.push({ what: `field ${field} wire ${wire}, then an 11-byte varint, then noise #${i}`, body: Buffer.concat([tag, OVERLONG, noise()]) });
    }
  }
  // The same deeper down: in a ResourceSpans / ResourceMetrics, its resource, its scope, a span / metric.
  for (let i = 0; i < perTag; i++) {
    const bad = (): Buffer => Buffer.concat([Buffer.from([0x08]), OVERLONG, noise()]);
    bodies.push({ what: `inside field 1 #${i}`, body: wrap(1, bad()) });
    bodies.push({ what: `inside field 1.1 #${i}`, body: wrap(1, wrap(1, bad())) });
    bodies.push({ what: `inside field 1.2 #${i}`, body: wrap(1, wrap(2, bad())) });
    bodies.push({ what: `inside field 1.2.1 #${i}`, body: wrap(1, wrap(2, wrap(1, bad()))) });
    bodies.push({ what: `inside field 1.2.2 #${i}`, body: wrap(1, wrap(2, wrap(2, bad()))) });
  }
  bodies.push({ what: 'a tag of field 0', body: Buffer.from([0x02, 0x00]) });
  bodies.push({ what: 'a tag of 36 bits', body: Buffer.from([0x8a, 0x80, 0x80, 0x80, 0x10, 0x00]) });
  bodies.push({ what: 'a group start', body: Buffer.from([0x0b, 0x0c]) });
  bodies.push({ what: 'a group end', body: Buffer.from([0x0c]) });
  return bodies;
}

describe('malformed protobuf', () => {
  const current = useServer();
  let server: LocalServer;
  beforeAll(() => (server = current()));

  const post = (path: string, body: Buffer): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${server.apiKey}` } });

  it.each([
    ['/v1/traces', 20_261_204],
    ['/v1/metrics', 20_261_205],
  ])('answers every body of the fixed set on %s with 400', async (path, seed) => {
    const bodies = malformed(seed, 8);
    expect(bodies.length).toBe(20 * 4 * 8 + 5 * 8 + 4);
    const before = server.countSpans();
    const wrong: string[] = [];
    for (let i = 0; i < bodies.length; i += 25) {
      await Promise.all(
        bodies.slice(i, i + 25).map(async (b) => {
          const res = await post(path, b.body);
          const raw = Buffer.from(await res.arrayBuffer());
          if (res.status !== 400) wrong.push(`${b.what}: HTTP ${res.status}`);
          else expect(RpcStatus.toObject(RpcStatus.decode(raw))).toMatchObject({ code: 3, message: expect.stringMatching(/^cannot decode the OTLP\/protobuf/) });
        }),
      );
    }
    expect(wrong).toEqual([]);
    expect(server.countSpans()).toBe(before);
    // Still up and storing.
    const valid = path === '/v1/traces' ? protobufTraces(await sampleSpans(1, 'after-malformed')) : protobufMetrics(await sampleMetrics());
    expect((await post(path, valid)).status).toBe(200);
  });
});
