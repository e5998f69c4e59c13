/**
 * Acceptance (keys are data): attributes named `__proto__`, `constructor`, `toString` and the
 * like, on a span, its events and links, its resource, inside a key-value list value, and on a
 * metric data point, sent as OTLP/protobuf and as OTLP/JSON, come back from the REST API with
 * their values, as any other key would. An enum written as such a name in OTLP/JSON is a 400.
 */
import { TraceRequest } from '../src/otlp/otlp-decode';
import type { LocalServer, SpanView } from '../src';
import { useServer } from './helpers/test-server';

const KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype', 'isPrototypeOf'];

const attributes = (prefix: string): Array<{ key: string; value: { stringValue: string } }> => KEYS.map((k) => ({ key: k, value: { stringValue: `${prefix}:${k}` } }));
const expected = (prefix: string): Record<string, string> => Object.fromEntries(KEYS.map((k) => [k, `${prefix}:${k}`]));

/** One OTLP/JSON request: a root span whose every attribute map holds the hostile keys. */
function request(traceId: string): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [...attributes('resource'), { key: 'service.name', value: { stringValue: 'keys' } }] },
        scopeSpans: [
          {
            scope: { name: 'keys-test' },
            spans: [
              {
                traceId,
                spanId: '1111111111111111',
                name: 'keys are data',
                kind: 1,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000001000000000',
                attributes: [...attributes('span'), { key: 'nested', value: { kvlistValue: { values: attributes('nested') } } }],
                events: [{ name: 'e', timeUnixNano: '1700000000500000000', attributes: attributes('event') }],
                links: [{ traceId, spanId: '2222222222222222', attributes: attributes('link') }],
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('attribute keys that are names of Object.prototype', () => {
  const current = useServer();
  let server: LocalServer;
  beforeAll(() => (server = current()));

  const post = (path: string, body: Buffer | string, type: string): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': type, authorization: `Bearer ${server.apiKey}` } });
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(200);
    // The answer's own text, parsed: JSON.parse keeps a "__proto__" member as a property of its own.
    return JSON.parse(await res.text()) as T;
  };

  const check = (span: SpanView & { links: Array<{ attributes: Record<string, unknown> }> }): void => {
    const { nested, ...own } = span.attributes;
    expect(own).toEqual(expected('span'));
    expect(Object.keys(span.attributes).sort()).toEqual([...KEYS, 'nested'].sort());
    expect(nested).toEqual(expected('nested'));
    expect(Object.keys(nested as object).sort()).toEqual([...KEYS].sort());
    expect(span.events[0]!.attributes).toEqual(expected('event'));
    expect(Object.keys(span.events[0]!.attributes).sort()).toEqual([...KEYS].sort());
    expect(span.links[0]!.attributes).toEqual(expected('link'));
    expect(span.resource).toEqual({ ...expected('resource'), 'service.name': 'keys' });
    expect(Object.keys(span.resource)).toContain('__proto__');
  };

  it.each(['json', 'protobuf'])('keeps them over OTLP/%s, in the span list and the tree', async (format) => {
    const traceId = format === 'json' ? 'a1'.repeat(16) : 'b2'.repeat(16);
    const json = request(traceId);
    const res =
      format === 'json'
        ? await post('/v1/traces', JSON.stringify(json), 'application/json')
        : await post('/v1/traces', Buffer.from(TraceRequest.encode(TraceRequest.fromObject(toProtobufObject(json))).finish()), 'application/x-protobuf');
    expect(res.status).toBe(200);
    const { spans } = await get<{ spans: Array<SpanView & { links: Array<{ attributes: Record<string, unknown> }> }> }>(`/api/sessions/${traceId}/spans`);
    check(spans[0]!);
    const { tree } = await get<{ tree: Array<SpanView & { links: Array<{ attributes: Record<string, unknown> }> }> }>(`/api/sessions/${traceId}`);
    check(tree[0]!);
  });

  it('keeps them on metric data points', async () => {
    const body = {
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'keys.metric', gauge: { dataPoints: [{ asInt: '3', timeUnixNano: '1700000000000000000', attributes: attributes('point') }] } }] }] }],
    };
    expect((await post('/v1/metrics', JSON.stringify(body), 'application/json')).status).toBe(200);
    const { points } = await get<{ points: Array<{ attributes: Record<string, unknown>; value: number }> }>('/api/metrics/keys.metric');
    expect(points[0]!.value).toBe(3);
    expect(points[0]!.attributes).toEqual(expected('point'));
    expect(Object.keys(points[0]!.attributes).sort()).toEqual([...KEYS].sort());
  });

  it.each([
    ['kind', { kind: '__proto__' }],
    ['kind', { kind: 'constructor' }],
    ['status.code', { status: { code: 'toString' } }],
  ])('refuses an enum named like a property of Object.prototype (%s)', async (where, patch) => {
    const json = request('c3'.repeat(16)) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
    Object.assign(json.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, patch);
    const res = await post('/v1/traces', JSON.stringify(json), 'application/json');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(`spans[0].${where}: expected an integer or one of`);
  });
});

/** The OTLP/JSON request above in protobufjs' object form (snake_case, ids as bytes, values as oneof members). */
function toProtobufObject(json: Record<string, unknown>): Record<string, unknown> {
  const value = (v: Record<string, unknown>): Record<string, unknown> =>
    'kvlistValue' in v ? { kvlist_value: { values: kvs((v.kvlistValue as { values: unknown[] }).values) } } : { string_value: v.stringValue };
  const kvs = (list: unknown[]): unknown[] => list.map((kv) => ({ key: (kv as { key: string }).key, value: value((kv as { value: Record<string, unknown> }).value) }));
  const rs = (json.resourceSpans as Array<Record<string, any>>)[0]!; // eslint-disable-line @typescript-eslint/no-explicit-any
  const s = rs.scopeSpans[0].spans[0];
  const id = (hex: string): Buffer => Buffer.from(hex, 'hex');
  return {
    resource_spans: [
      {
        resource: { attributes: kvs(rs.resource.attributes) },
        scope_spans: [
          {
            scope: { name: 'keys-test' },
            spans: [
              {
                trace_id: id(s.traceId),
                span_id: id(s.spanId),
                name: s.name,
                kind: 1,
                start_time_unix_nano: s.startTimeUnixNano,
                end_time_unix_nano: s.endTimeUnixNano,
                attributes: kvs(s.attributes),
                events: [{ name: 'e', time_unix_nano: s.events[0].timeUnixNano, attributes: kvs(s.events[0].attributes) }],
                links: [{ trace_id: id(s.traceId), span_id: id(s.links[0].spanId), attributes: kvs(s.links[0].attributes) }],
              },
            ],
          },
        ],
      },
    ],
  };
}
