import { contentText, safeJson } from '../src/serialize/safe-json';
import { truncate } from '../src/serialize/truncate';

describe('safeJson', () => {
  it('serialises plain values like JSON.stringify', () => {
    expect(safeJson({ a: 1, b: ['x', true, null], c: { d: 1.5 } }, 1000)).toBe('{"a":1,"b":["x",true,null],"c":{"d":1.5}}');
    expect(safeJson('str', 100)).toBe('"str"');
    expect(safeJson(undefined, 100)).toBeUndefined();
    expect(safeJson(new Date(0), 100)).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it('handles what JSON.stringify throws on or mangles', () => {
    const circ: Record<string, unknown> = { a: 1 };
    circ.me = circ;
    expect(safeJson(circ, 1000)).toBe('{"a":1,"me":"[Circular]"}');
    expect(safeJson({ n: 12345678901234567890n }, 1000)).toBe('{"n":"12345678901234567890"}');
    expect(safeJson(new Map<unknown, unknown>([['k', 1], [2, 'two']]), 1000)).toBe('{"2":"two","k":1}');
    expect(safeJson(new Set([1, 2]), 1000)).toBe('[1,2]');
    expect(safeJson(new Uint8Array(16), 1000)).toBe('"[Uint8Array(16 bytes)]"');
    expect(safeJson(Buffer.from('abc'), 1000)).toBe('"[Buffer(3 bytes)]"');
    const err = JSON.parse(safeJson(new TypeError('bad'), 10_000)!) as Record<string, unknown>;
    expect(err.name).toBe('TypeError');
    expect(err.message).toBe('bad');
    expect(String(err.stack)).toContain('TypeError: bad');
    expect(safeJson({ f() {}, s: Symbol('x') }, 1000)).toBe('{"f":"[Function f]","s":"Symbol(x)"}');
    expect(safeJson({ p: Promise.resolve(1) }, 1000)).toBe('{"p":"[Promise]"}');
  });

  it('survives getters that throw and hostile proxies', () => {
    const getter = { ok: 1, get bad(): never { throw new Error('nope'); } };
    expect(safeJson(getter, 1000)).toBe('{"ok":1,"bad":"[Throws: nope]"}');
    const proxy = new Proxy({}, { ownKeys() { throw new Error('no keys'); }, get() { throw new Error('no get'); }, getPrototypeOf() { throw new Error('no proto'); } });
    expect(safeJson(proxy, 1000)).toBe('"[Unserializable]"');
    expect(safeJson({ nested: [proxy] }, 1000)).toBe('{"nested":["[Unserializable]"]}');
    const toJsonThrows = { toJSON(): never { throw new Error('x'); } };
    expect(safeJson(toJsonThrows, 1000)).toBe('"[toJSON threw]"');
  });

  it('caps depth and length', () => {
    const chain = (depth: number): Record<string, unknown> => {
      let deep: Record<string, unknown> = {};
      const root = deep;
      for (let i = 0; i < depth; i++) {
        deep.next = {};
        deep = deep.next as Record<string, unknown>;
      }
      return root;
    };
    // Deeper than the stack: never throws, stays within the limit.
    expect(() => safeJson(chain(200_000), 100_000)).not.toThrow();
    expect(safeJson(chain(200_000), 1_000)!.length).toBeLessThanOrEqual(1_000);
    // When native JSON throws (a cycle at the bottom), the walker takes over and caps the depth.
    const cyclic = chain(100);
    let leaf = cyclic;
    while (leaf.next && Object.keys(leaf.next).length > 0) leaf = leaf.next as Record<string, unknown>;
    (leaf.next as Record<string, unknown>).back = cyclic;
    const out = safeJson(cyclic, 100_000)!;
    expect(out).toContain('[Too deep]');
    expect(out.split('"next"').length - 1).toBe(32);
    const long = safeJson({ s: 'y'.repeat(10_000) }, 500)!;
    expect(long.length).toBeLessThanOrEqual(500);
    expect(long).toMatch(/\[truncated \d+ chars\]$/);
  });

  it('keeps strings as they are in contentText', () => {
    expect(contentText('{"already":"json"}', 100)).toBe('{"already":"json"}');
    expect(contentText({ a: 1 }, 100)).toBe('{"a":1}');
  });
});

describe('truncate', () => {
  it('keeps short strings and marks cut ones within the limit', () => {
    expect(truncate('abc', 10)).toBe('abc');
    const t = truncate('a'.repeat(1000), 100);
    expect(t.length).toBeLessThanOrEqual(100);
    expect(t).toMatch(/^a+\.\.\.\[truncated 900 chars\]$/);
  });

  it('never splits a surrogate pair', () => {
    const s = '😀'.repeat(100);
    const t = truncate(s, 50);
    expect(t.length).toBeLessThanOrEqual(50);
    const body = t.slice(0, t.indexOf('...'));
    expect(body.length % 2).toBe(0);
    expect(Buffer.from(body, 'utf8').toString('utf8')).toBe(body);
  });
});
