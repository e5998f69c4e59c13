/**
 * Acceptance (hostile requests): a few kilobytes of gzip that expand into millions of empty spans,
 * attributes, data points, unknown fields, ResourceSpans, JSON values or nesting, sent to a real
 * `agentops serve` process, are each refused with 413 (or 400 for nesting) naming the limit they
 * passed. While each is decoded, the server's resident memory (all its threads) stays under
 * 1 GiB, `/healthz` answers within a second every time it is asked, and a valid export sent at
 * the same moment is stored; a valid export sent right after is stored too.
 */
import { gzipSync } from 'node:zlib';
import { RpcStatus } from '../src/otlp/otlp-decode';
import type { SpanView } from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { protobufTraces, sampleSpans } from '../../../testing/otlp-fixtures';
import { serve, type ServeProcess } from './helpers/cli-process';
import { tempDb } from './helpers/temp-db';
import { ServerWatch } from './helpers/watch-server';

const GIB = 1024 ** 3;
// Just under the default 32 MiB cap, so that the body itself is accepted and only its contents are refused.
const INFLATED = 32 * 1024 * 1024 - 64;

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A length-delimited field. */
function field(number: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((number << 3) | 2), varint(payload.length), payload]);
}

/** `unit` repeated to fill what is left of the inflated size once wrapped `levels` deep (5 bytes of header each). */
function filler(unit: Buffer, levels: number): Buffer {
  return Buffer.alloc(Math.floor((INFLATED - levels * 6) / unit.length) * unit.length, unit);
}

function jsonFilling(head: string, unit: string, tail: string): Buffer {
  const n = Math.floor((INFLATED - head.length - tail.length) / unit.length);
  return Buffer.from(`${head}${unit.repeat(n - 1)}${unit.slice(0, -1)}${tail}`);
}

interface Hostile {
  what: string;
  path: '/v1/traces' | '/v1/metrics';
  type: 'application/x-protobuf' | 'application/json';
  body: () => Buffer;
  status: number;
  names: RegExp;
}

const HOSTILE: Hostile[] = [
  {
    what: 'OTLP/JSON: 32 MiB of empty spans',
    path: '/v1/traces',
    type: 'application/json',
    body: () => jsonFilling('{"resourceSpans":[{"scopeSpans":[{"spans":[', '{},', ']}]}]}'),
    status: 413,
    names: /JSON values \(limit maxFieldsPerRequest\)/,
  },
  {
    what: 'OTLP/protobuf: 16 million empty spans',
    path: '/v1/traces',
    type: 'application/x-protobuf',
    body: () => field(1, field(2, filler(Buffer.from([0x12, 0x00]), 2))),
    status: 413,
    names: /spans \(limit maxSpansPerRequest\)/,
  },
  {
    what: 'OTLP/protobuf: one span with 16 million empty attributes',
    path: '/v1/traces',
    type: 'application/x-protobuf',
    body: () => field(1, field(2, field(2, filler(Buffer.from([0x4a, 0x00]), 3)))),
    status: 413,
    names: /limit maxAttributesPerRequest/,
  },
  {
    what: 'OTLP/protobuf: 11 million unknown fields',
    path: '/v1/traces',
    type: 'application/x-protobuf',
    body: () => filler(Buffer.from([0xa0, 0x01, 0x00]), 0),
    status: 413,
    names: /limit maxFieldsPerRequest/,
  },
  {
    what: 'OTLP/protobuf: 16 million empty ResourceSpans',
    path: '/v1/traces',
    type: 'application/x-protobuf',
    body: () => filler(Buffer.from([0x0a, 0x00]), 0),
    status: 413,
    names: /limit maxFieldsPerRequest/,
  },
  {
    what: 'OTLP/JSON: arrays nested 3 million deep',
    path: '/v1/traces',
    type: 'application/json',
    body: () => Buffer.from(`{"resourceSpans":${'['.repeat(3_000_000)}`),
    status: 400,
    names: /nested deeper than \d+ levels/,
  },
  {
    what: 'OTLP/JSON: one span with 500,001 attributes (parsed, then counted)',
    path: '/v1/traces',
    type: 'application/json',
    body: () => {
      const kv = '{"key":"k","value":{"intValue":"1"}},';
      return Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'ab'.repeat(16)}","spanId":"${'cd'.repeat(8)}","attributes":[${kv.repeat(500_000)}${kv.slice(0, -1)}]}]}]}]}`);
    },
    status: 413,
    names: /limit maxAttributesPerRequest/,
  },
  {
    what: 'OTLP/protobuf metrics: 16 million empty data points',
    path: '/v1/metrics',
    type: 'application/x-protobuf',
    body: () => field(1, field(2, field(2, field(5, filler(Buffer.from([0x0a, 0x00]), 4))))),
    status: 413,
    names: /data points \(limit maxSpansPerRequest\)/,
  },
  {
    what: 'OTLP/JSON metrics: 32 MiB of empty data points',
    path: '/v1/metrics',
    type: 'application/json',
    body: () => jsonFilling('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[', '{},', ']}}]}]}]}'),
    status: 413,
    names: /JSON values \(limit maxFieldsPerRequest\)/,
  },
];

describe('hostile requests to a running server', () => {
  const db = tempDb();
  let server: ServeProcess;
  let url: string;
  let apiKey: string;
  let watch: ServerWatch;
  let restoreEnv: () => void;

  beforeAll(async () => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    server = await serve(['--port', '0', '--db', db.file]);
    url = server.env.AGENTOPS_API_ENDPOINT!;
    apiKey = server.env.AGENTOPS_API_KEY!;
    watch = new ServerWatch(url, server.child.pid!);
  });

  afterAll(async () => {
    await watch?.stop();
    await server?.stop();
    restoreEnv();
    db.remove();
  });

  const post = async (path: string, body: Buffer, type: string, gzip = false): Promise<{ status: number; message: string }> => {
    const headers: Record<string, string> = { 'content-type': type, authorization: `Bearer ${apiKey}` };
    if (gzip) headers['content-encoding'] = 'gzip';
    const res = await fetch(`${url}${path}`, { method: 'POST', body, headers });
    const raw = Buffer.from(await res.arrayBuffer());
    if (res.status === 200) return { status: 200, message: '' };
    const message = type === 'application/json' ? (JSON.parse(raw.toString()) as { message: string }).message : RpcStatus.toObject(RpcStatus.decode(raw)).message as string;
    return { status: res.status, message };
  };

  /** Sends a valid session and checks every span of it is stored. */
  const exportAndCheck = async (tag: string): Promise<void> => {
    const spans = await sampleSpans(1, tag);
    expect(await post('/v1/traces', protobufTraces(spans), 'application/x-protobuf')).toEqual({ status: 200, message: '' });
    const res = await fetch(`${url}/api/sessions/${spans[0]!.spanContext().traceId}/spans`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(200);
    const stored = ((await res.json()) as { spans: SpanView[] }).spans;
    expect(stored.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
  };

  it.each(HOSTILE.map((h) => [h.what, h] as const))('refuses %s, naming the limit, and keeps serving', async (_what, h) => {
    const body = gzipSync(h.body());
    // Small on the wire: the danger is in what it expands into.
    expect(body.length).toBeLessThan(64 * 1024);
    await watch.reset();
    const [answer] = await Promise.all([post(h.path, body, h.type, true), exportAndCheck(`during-${h.path.slice(4)}`)]);
    const during = await watch.read();
    if (process.env.SHOW_WATCH) process.stdout.write(`${h.what}: ${answer.status} slowest ${during.slowestMs.toFixed(0)} ms over ${during.probes} probes, max RSS ${(during.maxRssBytes / 2 ** 20).toFixed(0)} MiB\n`);
    expect(answer.status).toBe(h.status);
    expect(answer.message).toMatch(h.names);
    expect(during.probes).toBeGreaterThan(0);
    expect(during.failures).toBe(0);
    expect(during.slowestMs).toBeLessThan(1000);
    expect(during.maxRssBytes).toBeLessThan(GIB);
    await exportAndCheck('after');
  });
});
