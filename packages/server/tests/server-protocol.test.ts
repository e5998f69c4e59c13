/**
 * The local backend's protocol (OTLP/HTTP and the vendor exchange), against a real server on a
 * loopback port and a real SQLite file: the token exchange; 401 and nothing stored without a valid
 * token; protobuf and JSON, with and without gzip, decoded to the same spans; partial success for
 * spans that cannot be stored; metrics; 415; duplicates stored once; nanosecond times exact and
 * 64-bit enum values readable; a session visible before its root span arrives; 429 with
 * Retry-After when the write queue is full; REST query validation.
 */
import { gzipSync } from 'node:zlib';
import { DatabaseSync } from 'node:sqlite';
import * as agentops from 'agentops';
import protobuf from 'protobufjs';
import { RpcStatus, TraceRequest, TraceResponse } from '../src/otlp/otlp-decode';
import { startServer, type LocalServer, type SessionSummary, type SpanView } from '../src';
import { Auth } from '../src/auth';
import { Storage } from '../src/storage';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { jsonMetrics, jsonTraces, protobufMetrics, protobufTraces, sampleMetrics, sampleSpans } from '../../../testing/otlp-fixtures';
import { tempDb } from './helpers/temp-db';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
}

async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function getJson<T>(url: string, credential?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: credential === undefined ? {} : { authorization: `Bearer ${credential}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function exchange(server: LocalServer, apiKey: string): Promise<string> {
  const r = await post(`${server.url}/v3/auth/token`, JSON.stringify({ api_key: apiKey }), { 'content-type': JSON_TYPE });
  expect(r.status).toBe(200);
  return (JSON.parse(r.body.toString()) as { token: string }).token;
}

describe('local backend protocol', () => {
  const db = tempDb();
  let server: LocalServer;
  let token: string;
  let restoreEnv: () => void;

  beforeAll(async () => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    server = await startServer({ port: 0, dbPath: db.file, maxQueuedRows: 100_000 });
    token = await exchange(server, server.apiKey);
  });

  afterAll(async () => {
    await server.close();
    restoreEnv();
    db.remove();
  });

  const traces = (body: Buffer | string, headers: Record<string, string>): Promise<Answer> => post(`${server.url}/v1/traces`, body, headers);

  it('exchanges an API key for a token of its project, and refuses an unknown key', async () => {
    const ok = await post(`${server.url}/v3/auth/token`, JSON.stringify({ api_key: server.apiKey }), { 'content-type': JSON_TYPE });
    expect(ok.status).toBe(200);
    const body = JSON.parse(ok.body.toString()) as { token: string; project_id: string; expires_at: string };
    expect(body.project_id).toBe(server.project.id);
    expect(body.token).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());

    expect((await post(`${server.url}/v3/auth/token`, JSON.stringify({ api_key: 'aol_unknown' }), { 'content-type': JSON_TYPE })).status).toBe(401);
    expect((await post(`${server.url}/v3/auth/token`, '{not json', { 'content-type': JSON_TYPE })).status).toBe(400);
    expect((await post(`${server.url}/v3/auth/token`, JSON.stringify({ api_key: 42 }), { 'content-type': JSON_TYPE })).status).toBe(400);
    expect((await fetch(`${server.url}/v3/auth/token`)).status).toBe(405);
  });

  it('answers 401 and stores nothing without a valid token', async () => {
    const spans = await sampleSpans(1, 'unauth');
    const body = protobufTraces(spans);
    const before = server.countSpans();
    const forged = `${token.slice(0, -4)}AAAA`;
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${forged}` }, { authorization: 'Basic abc' }];
    for (const headers of attempts) {
      const r = await traces(body, { 'content-type': PROTOBUF, ...headers });
      expect(r.status).toBe(401);
      // The OTLP error body is a google.rpc.Status: code 16 UNAUTHENTICATED.
      expect(RpcStatus.toObject(RpcStatus.decode(r.body))).toMatchObject({ code: 16 });
    }
    expect(server.countSpans()).toBe(before);
    expect((await getJson(`${server.url}/api/sessions/${spans[0]!.spanContext().traceId}`, token)).status).toBe(404);
    expect((await getJson(`${server.url}/api/sessions`)).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const shortDb = tempDb();
    const short = await startServer({ port: 0, dbPath: shortDb.file, tokenTtlSeconds: 1 });
    try {
      const t = await exchange(short, short.apiKey);
      expect((await getJson(`${short.url}/api/sessions`, t)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await getJson(`${short.url}/api/sessions`, t)).status).toBe(401);
    } finally {
      await short.close();
      shortDb.remove();
    }
  });

  it('accepts protobuf and JSON, with and without gzip, decoding both to the same spans, and stores a span sent twice once', async () => {
    const spans = await sampleSpans(1, 'formats');
    const traceId = spans[0]!.spanContext().traceId;
    const b = server.createProject('formats-json');
    const tokenB = await exchange(server, b.apiKey);

    const cases: Array<[Buffer, Record<string, string>, string]> = [
      [protobufTraces(spans), { 'content-type': PROTOBUF }, token],
      [gzipSync(protobufTraces(spans)), { 'content-type': PROTOBUF, 'content-encoding': 'gzip' }, token],
      [jsonTraces(spans), { 'content-type': JSON_TYPE }, tokenB],
      [gzipSync(jsonTraces(spans)), { 'content-type': `${JSON_TYPE}; charset=utf-8`, 'content-encoding': 'gzip' }, tokenB],
    ];
    for (const [body, headers, t] of cases) {
      const r = await traces(body, { ...headers, authorization: `Bearer ${t}` });
      expect(r.status).toBe(200);
      const json = headers['content-type']!.startsWith(JSON_TYPE);
      expect(r.headers.get('content-type')).toBe(json ? JSON_TYPE : PROTOBUF);
      // Nothing rejected: an empty ExportTraceServiceResponse.
      if (json) expect(JSON.parse(r.body.toString())).toEqual({});
      else expect(TraceResponse.toObject(TraceResponse.decode(r.body))).toEqual({});
    }

    const viaProtobuf = await getJson<{ spans: SpanView[] }>(`${server.url}/api/sessions/${traceId}/spans`, token);
    const viaJson = await getJson<{ spans: SpanView[] }>(`${server.url}/api/sessions/${traceId}/spans`, tokenB);
    expect(viaProtobuf.body.spans).toHaveLength(spans.length);
    expect(viaJson.body.spans).toEqual(viaProtobuf.body.spans);
    const llm = viaJson.body.spans.find((s) => s.category === 'llm')!;
    const sentLlm = spans.find((s) => s.spanContext().spanId === llm.spanId)!;
    expect(llm.attributes).toEqual(sentLlm.attributes);
    expect(llm.kind).toBe('CLIENT');
    const failed = viaJson.body.spans.find((s) => s.status.code === 2)!;
    expect(failed.events.find((e) => e.name === 'exception')!.attributes['exception.message']).toBe('flaked');

    // Each project stored the spans once, and counted them once, although each got them twice.
    expect(server.countSpans(b.project.id)).toBe(spans.length);
    const summary = await getJson<{ session: SessionSummary }>(`${server.url}/api/sessions/${traceId}`, tokenB);
    expect(summary.body.session.totals.spans).toBe(spans.length);
  });

  it('stores the spans it can and reports the others as a partial success', async () => {
    const good = { trace_id: Buffer.alloc(16, 0xab), span_id: Buffer.alloc(8, 1), name: 'good', kind: 1, start_time_unix_nano: 1_700_000_000_000_000_000, end_time_unix_nano: 1_700_000_000_100_000_000 };
    const zeroTrace = { ...good, trace_id: Buffer.alloc(16), span_id: Buffer.alloc(8, 2), name: 'zero trace id' };
    const shortSpan = { ...good, span_id: Buffer.alloc(4, 3), name: 'short span id' };
    const body = Buffer.from(TraceRequest.encode(TraceRequest.fromObject({ resource_spans: [{ scope_spans: [{ spans: [good, zeroTrace, shortSpan] }] }] })).finish());
    const r = await traces(body, { 'content-type': PROTOBUF, authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    const answer = TraceResponse.toObject(TraceResponse.decode(r.body), { longs: Number }) as { partial_success: { rejected_spans: number; error_message: string } };
    expect(answer.partial_success.rejected_spans).toBe(2);
    expect(answer.partial_success.error_message).toContain('zero trace id');
    const stored = await getJson<{ spans: SpanView[] }>(`${server.url}/api/sessions/${'ab'.repeat(16)}/spans`, token);
    expect(stored.body.spans.map((s) => s.name)).toEqual(['good']);

    const json = {
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'cd'.repeat(16), spanId: '0'.repeat(16), name: 'zero span id', kind: 'SPAN_KIND_CLIENT' }] }] }],
    };
    const rj = await traces(JSON.stringify(json), { 'content-type': JSON_TYPE, authorization: `Bearer ${token}` });
    expect(rj.status).toBe(200);
    expect(JSON.parse(rj.body.toString())).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringContaining('span_id') } });
  });

  it('accepts JSON enums by name and 64-bit integers as strings or numbers', async () => {
    const json = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-agent' } }] },
          scopeSpans: [
            {
              scope: { name: 'hand-written' },
              spans: [
                {
                  traceId: 'EF'.repeat(16),
                  spanId: '12'.repeat(8),
                  name: 'session',
                  kind: 'SPAN_KIND_INTERNAL',
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: 1700000000500000000,
                  attributes: [
                    { key: 'agentops.span.kind', value: { stringValue: 'session' } },
                    { key: 'agentops.tags', value: { arrayValue: { values: [{ stringValue: 'json' }] } } },
                    { key: 'agentops.session.end_state', value: { stringValue: 'Indeterminate' } },
                    { key: 'n', value: { intValue: '42' } },
                    { key: 'x', value: { doubleValue: 1.5 } },
                    { key: 'b', value: { boolValue: true } },
                  ],
                  status: { code: 'STATUS_CODE_OK' },
                },
              ],
            },
          ],
        },
      ],
    };
    const r = await traces(JSON.stringify(json), { 'content-type': JSON_TYPE, authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    const got = await getJson<{ session: SessionSummary; tree: SpanView[] }>(`${server.url}/api/sessions/${'ef'.repeat(16)}`, token);
    expect(got.body.session).toMatchObject({ name: 'session', tags: ['json'], endState: 'Indeterminate', serviceName: 'json-agent', running: false });
    expect(got.body.session.totals.durationMs).toBe(500);
    expect(got.body.tree[0]!.attributes).toMatchObject({ n: 42, x: 1.5, b: true });
    expect(got.body.tree[0]!.status.code).toBe(1);
  });

  it('stores metrics sent as protobuf and as JSON', async () => {
    const metrics = await sampleMetrics();
    for (const [body, type] of [
      [protobufMetrics(metrics), PROTOBUF],
      [jsonMetrics(metrics), JSON_TYPE],
    ] as const) {
      const r = await post(`${server.url}/v1/metrics`, body, { 'content-type': type, authorization: `Bearer ${token}` });
      expect(r.status).toBe(200);
    }
    const names = await getJson<{ metrics: Array<{ name: string; type: string; points: number }> }>(`${server.url}/api/metrics`, token);
    expect(names.body.metrics).toEqual([
      { name: 'agentops.tool.calls', type: 'sum', unit: '', points: 2 },
      { name: 'gen_ai.client.token.usage', type: 'histogram', unit: '{token}', points: 2 },
    ]);
    const points = await getJson<{ points: Array<{ value: number | null; count: number | null; sum: number | null; attributes: Record<string, unknown> }> }>(`${server.url}/api/metrics/gen_ai.client.token.usage`, token);
    expect(points.body.points).toHaveLength(2);
    for (const p of points.body.points) expect(p).toMatchObject({ count: 2, sum: 42, attributes: { 'gen_ai.token.type': 'input' } });
    const counter = await getJson<{ points: Array<{ value: number }> }>(`${server.url}/api/metrics/agentops.tool.calls`, token);
    expect(counter.body.points.map((p) => p.value)).toEqual([3, 3]);
  });

  // Nanosecond times since 1970 (~1.7e18) are past Number.MAX_SAFE_INTEGER: read as JavaScript
  // numbers they lose their last digits (1700000000123456789 -> 1700000000123456800), and
  // node:sqlite refuses to read them as numbers at all.
  it('keeps nanosecond times exact in sessions, spans and metric points, and filters on them exactly', async () => {
    const traceId = '5a'.repeat(16);
    const times = { startTimeUnixNano: '1700000000123456789', endTimeUnixNano: '1700000001987654321' };
    const spans = [
      { traceId, spanId: '01'.repeat(8), name: 'precise-session', kind: 1, ...times, attributes: [{ key: 'agentops.span.kind', value: { stringValue: 'session' } }] },
      { traceId, spanId: '02'.repeat(8), parentSpanId: '01'.repeat(8), name: 'precise-child', kind: 1, startTimeUnixNano: '1700000000123456790', endTimeUnixNano: '1700000000123456791' },
    ];
    const auth = { 'content-type': JSON_TYPE, authorization: `Bearer ${token}` };
    expect((await traces(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }), auth)).status).toBe(200);
    const point = { ...times, timeUnixNano: times.endTimeUnixNano, asInt: '7' };
    const metrics = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'precise.counter', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [point] } }] }] }] };
    expect((await post(`${server.url}/v1/metrics`, JSON.stringify(metrics), auth)).status).toBe(200);

    const detail = await getJson<{ session: SessionSummary; tree: Array<SpanView & { children: SpanView[] }> }>(`${server.url}/api/sessions/${traceId}`, token);
    expect(detail.body.session).toMatchObject({ startTimeUnixNano: times.startTimeUnixNano, endTimeUnixNano: times.endTimeUnixNano, startTime: '2023-11-14T22:13:20.123Z' });
    expect(detail.body.session.totals.durationMs).toBe(1864.197532);
    expect(detail.body.tree[0]).toMatchObject({ ...times, startMs: 1700000000123.456789, durationMs: 1864.197532 });
    expect(detail.body.tree[0]!.children[0]).toMatchObject({ startTimeUnixNano: '1700000000123456790', endTimeUnixNano: '1700000000123456791', durationMs: 0.000001 });
    const listed = await getJson<{ spans: SpanView[] }>(`${server.url}/api/sessions/${traceId}/spans`, token);
    expect(listed.body.spans.map((s) => [s.startTimeUnixNano, s.endTimeUnixNano])).toEqual([
      [times.startTimeUnixNano, times.endTimeUnixNano],
      ['1700000000123456790', '1700000000123456791'],
    ]);
    const points = await getJson<{ points: Array<{ startTimeUnixNano: string; timeUnixNano: string; value: number }> }>(`${server.url}/api/metrics/precise.counter`, token);
    expect(points.body.points).toEqual([expect.objectContaining({ startTimeUnixNano: times.startTimeUnixNano, timeUnixNano: times.endTimeUnixNano, value: 7 })]);

    // The session starts within this millisecond, so it is in [.123, .124) and not in [.124, .700).
    const within = await getJson<{ sessions: SessionSummary[] }>(`${server.url}/api/sessions?from=2023-11-14T22:13:20.123Z&to=2023-11-14T22:13:20.124Z`, token);
    expect(within.body.sessions.map((x) => x.traceId)).toEqual([traceId]);
    const after = await getJson<{ sessions: SessionSummary[] }>(`${server.url}/api/sessions?from=2023-11-14T22:13:20.124Z&to=2023-11-14T22:13:20.700Z`, token);
    expect(after.body.sessions).toEqual([]);
  });

  // A span's kind and status code and a metric's temporality are enums, but what a client sends
  // may hold any 64-bit value, and a histogram's count is a uint64: the read must not fail on such a row.
  it('serves a kind, status code, temporality or histogram count past 2^53 as the nearest number instead of failing the read', async () => {
    const huge = 1152921504606846977n; // 2^60 + 1
    const traceId = '6b'.repeat(16);
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).bytes(Buffer.from(traceId, 'hex'));
    w.uint32((2 << 3) | 2).bytes(Buffer.from('03'.repeat(8), 'hex'));
    w.uint32((5 << 3) | 2).string('huge-enums');
    w.uint32((6 << 3) | 0).uint64(huge.toString());
    // A millisecond of its own, so the time filter below finds this session alone.
    w.uint32((7 << 3) | 1).fixed64('1700000000777000000');
    w.uint32((8 << 3) | 1).fixed64('1700000000777500000');
    w.uint32((15 << 3) | 2).bytes(protobuf.Writer.create().uint32((3 << 3) | 0).uint64(huge.toString()).finish());
    const span = w.finish();
    // TracesData > ResourceSpans (field 1) > ScopeSpans (field 2) > Span (field 2).
    const wrap = (field: number, bytes: Uint8Array): Uint8Array => protobuf.Writer.create().uint32((field << 3) | 2).bytes(bytes).finish();
    const body = Buffer.from(wrap(1, wrap(2, wrap(2, span))));
    expect((await traces(body, { 'content-type': PROTOBUF, authorization: `Bearer ${token}` })).status).toBe(200);

    const detail = await getJson<{ session: SessionSummary; tree: SpanView[] }>(`${server.url}/api/sessions/${traceId}`, token);
    expect(detail.status).toBe(200);
    expect(detail.body.tree[0]).toMatchObject({ name: 'huge-enums', kind: 'UNSPECIFIED', status: { code: Number(huge) }, startTimeUnixNano: '1700000000777000000' });
    expect((await getJson<{ sessions: SessionSummary[] }>(`${server.url}/api/sessions?from=2023-11-14T22:13:20.777Z&to=2023-11-14T22:13:20.778Z`, token)).body.sessions.map((x) => x.traceId)).toEqual([traceId]);

    const point = { startTimeUnixNano: '1700000000000000000', timeUnixNano: '1700000000500000000', count: huge.toString(), sum: 1, bucketCounts: [huge.toString()], explicitBounds: [] };
    const metrics = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'huge.histogram', histogram: { aggregationTemporality: Number(huge), dataPoints: [point] } }] }] }] };
    expect((await post(`${server.url}/v1/metrics`, JSON.stringify(metrics), { 'content-type': JSON_TYPE, authorization: `Bearer ${token}` })).status).toBe(200);
    const points = await getJson<{ points: Array<{ count: number; bucketCounts: number[] }> }>(`${server.url}/api/metrics/huge.histogram`, token);
    expect(points.status).toBe(200);
    expect(points.body.points).toEqual([expect.objectContaining({ count: Number(huge), bucketCounts: [Number(huge)] })]);
  });

  it('answers 415 for a content type or encoding OTLP/HTTP does not define', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expect((await traces('hello', { 'content-type': 'text/plain', ...auth })).status).toBe(415);
    expect((await traces(protobufTraces([]), { 'content-type': PROTOBUF, 'content-encoding': 'br', ...auth })).status).toBe(415);
    expect((await fetch(`${server.url}/v1/traces`)).status).toBe(405);
  });

  it('shows a session while it runs, before its root span arrives', async () => {
    const spans = await sampleSpans(1, 'running');
    const traceId = spans[0]!.spanContext().traceId;
    const children = spans.filter((s) => s.parentSpanContext !== undefined);
    const root = spans.filter((s) => s.parentSpanContext === undefined);
    expect((await traces(protobufTraces(children), { 'content-type': PROTOBUF, authorization: `Bearer ${token}` })).status).toBe(200);

    const running = await getJson<{ sessions: SessionSummary[] }>(`${server.url}/api/sessions?end_state=running`, token);
    const listed = running.body.sessions.find((s) => s.traceId === traceId)!;
    expect(listed).toMatchObject({ running: true, name: null, endState: null });
    expect(listed.totals.spans).toBe(children.length);
    const partial = await getJson<{ tree: unknown[] }>(`${server.url}/api/sessions/${traceId}`, token);
    // Children whose parent (the session span) has not arrived are shown at the top level.
    expect(partial.body.tree.length).toBeGreaterThan(1);

    expect((await traces(protobufTraces(root), { 'content-type': PROTOBUF, authorization: `Bearer ${token}` })).status).toBe(200);
    const done = await getJson<{ session: SessionSummary; tree: unknown[] }>(`${server.url}/api/sessions/${traceId}`, token);
    expect(done.body.session).toMatchObject({ running: false, name: 'running-0', endState: 'Success', tags: ['running'] });
    expect(done.body.tree).toHaveLength(1);
    expect(done.body.session.totals.spans).toBe(spans.length);
  });

  it('answers 429 with Retry-After while the write queue is full, and stores the queued requests once the database frees up', async () => {
    const lockDb = tempDb();
    const small = await startServer({ port: 0, dbPath: lockDb.file, maxQueuedRows: 10 });
    // Another process holding SQLite's write lock: the server cannot commit until it lets go.
    const other = new DatabaseSync(lockDb.file);
    // node:sqlite does not wait for a lock by default: BEGIN IMMEDIATE below may meet a checkpoint.
    other.exec('PRAGMA busy_timeout = 5000');
    try {
      const t = await exchange(small, small.apiKey);
      const spans = await sampleSpans(2, 'queue');
      const traceIds = [...new Set(spans.map((s) => s.spanContext().traceId))];
      const [a, b] = traceIds.map((id) => spans.filter((s) => s.spanContext().traceId === id)) as [typeof spans, typeof spans];
      expect(a).toHaveLength(5);
      expect(b).toHaveLength(5);
      other.exec('BEGIN IMMEDIATE');
      const headers = { 'content-type': PROTOBUF, authorization: `Bearer ${t}` };
      const first = post(`${small.url}/v1/traces`, protobufTraces(a), headers);
      const second = post(`${small.url}/v1/traces`, protobufTraces(b), headers);
      const deadline = Date.now() + 10_000;
      // Both requests are queued, and the write thread has met the lock at least once.
      while ((small.queueStats().queuedRows < 10 || small.queueStats().busyRetries === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(small.queueStats().queuedRows).toBe(10);
      expect(small.queueStats().busyRetries).toBeGreaterThan(0);

      const refused = await post(`${small.url}/v1/traces`, protobufTraces(a), headers);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(RpcStatus.toObject(RpcStatus.decode(refused.body))).toMatchObject({ code: 8 });
      expect(small.countSpans()).toBe(0);

      other.exec('COMMIT');
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      expect(small.countSpans()).toBe(10);
    } finally {
      other.close();
      await small.close();
      lockDb.remove();
    }
  });

  it('validates REST queries', async () => {
    const bad = async (q: string): Promise<void> => {
      const r = await getJson<{ error: string }>(`${server.url}/api/sessions${q}`, token);
      expect(r.status).toBe(400);
      expect(r.body.error).toEqual(expect.any(String));
    };
    await bad('?end_state=Done');
    await bad('?limit=0');
    await bad('?limit=abc');
    await bad('?offset=-1');
    await bad('?from=yesterday');
    const page = await getJson<{ sessions: unknown[]; limit: number; total: number }>(`${server.url}/api/sessions?limit=1&from=2000-01-01T00:00:00Z`, token);
    expect(page.status).toBe(200);
    expect(page.body.sessions).toHaveLength(1);
    expect(page.body.total).toBeGreaterThan(1);
    const none = await getJson<{ sessions: unknown[] }>(`${server.url}/api/sessions?to=2000-01-01`, token);
    expect(none.body.sessions).toEqual([]);
    expect((await getJson(`${server.url}/api/sessions/not-a-session`, token)).status).toBe(404);
    expect((await getJson(`${server.url}/api/nothing`, token)).status).toBe(404);
    expect(agentops.getClient()).toBeUndefined();
  });
});

describe('token lifetime', () => {
  // Whole-second expiry once cut up to a second off the lifetime: a token issued at x.999 s with a
  // one-second lifetime expired a millisecond later.
  it('lasts exactly the lifetime it was issued with, to the millisecond', () => {
    const db = tempDb();
    const storage = Storage.open(db.file);
    try {
      const { apiKey } = storage.createProject('ttl');
      let now = 1_700_000_000_999;
      const auth = new Auth(storage, 1, () => now);
      const issued = auth.issueToken(apiKey)!;
      expect(issued.expiresAt.getTime()).toBe(now + 1000);
      now += 999;
      expect(auth.verifyToken(issued.token)?.projectId).toBe(issued.projectId);
      now += 1;
      expect(auth.verifyToken(issued.token)).toBeUndefined();
    } finally {
      storage.close();
      db.remove();
    }
  });
});
