/**
 * The HTTP transport every OTLP/HTTP destination sends through, against real loopback servers that
 * misbehave in the ways backends do: partial success, silence, a stalled or cut-short body, a huge
 * error body, a reset. Each answer must become the right SendResult within the request timeout;
 * sockets are reused; gzip reaches the server intact; close() ends what is in flight.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { HttpTransport } from '../src/export/http-transport';
import { MetricsResponse, TraceResponse } from '../../../testing/otlp-decode';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

class TestServer {
  readonly connections = new Set<Socket>();
  connectionCount = 0;
  bodies: Array<{ headers: IncomingMessage['headers']; body: Buffer }> = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(handler: Handler): Promise<TestServer> {
    let self: TestServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        self!.bodies.push({ headers: req.headers, body });
        handler(req, body, res);
      });
    });
    server.on('connection', (s: Socket) => {
      self!.connectionCount++;
      self!.connections.add(s);
      s.on('close', () => self!.connections.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new TestServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`);
    return self;
  }

  async close(): Promise<void> {
    for (const s of this.connections) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

const BODY = Buffer.from('not really a batch, but bytes all the same');

function transport(url: string, overrides: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}): HttpTransport {
  return new HttpTransport({ url, contentType: 'application/x-protobuf', timeoutMs: 400, connections: 1, userAgent: 'agentops-test', ...overrides });
}

describe('HTTP transport', () => {
  let server: TestServer | undefined;
  let t: HttpTransport | undefined;

  afterEach(async () => {
    await t?.close();
    await server?.close();
    t = undefined;
    server = undefined;
  });

  it('sends the bytes with its headers and reuses one connection', async () => {
    server = await TestServer.start((_req, _body, res) => res.end());
    t = transport(server.url, { headers: { 'x-extra': 'yes' } });
    for (let i = 0; i < 5; i++) expect(await t.send(BODY)).toEqual({ kind: 'success', status: 200 });
    expect(server.connectionCount).toBe(1);
    expect(server.bodies).toHaveLength(5);
    const first = server.bodies[0]!;
    expect(first.body.equals(BODY)).toBe(true);
    expect(first.headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'user-agent': 'agentops-test', 'x-extra': 'yes', 'content-length': String(BODY.length) });
  });

  it('gzips when asked, and the server gets the same bytes back', async () => {
    server = await TestServer.start((_req, _body, res) => res.end());
    t = transport(server.url, { compression: 'gzip' });
    expect((await t.send(BODY)).kind).toBe('success');
    const got = server.bodies[0]!;
    expect(got.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(got.body).equals(BODY)).toBe(true);
  });

  it('reports partial success from a protobuf answer and from a JSON answer', async () => {
    const proto = Buffer.from(TraceResponse.encode(TraceResponse.fromObject({ partial_success: { rejected_spans: 3, error_message: 'too old' } })).finish());
    server = await TestServer.start((req, _body, res) => {
      if (req.headers['content-type'] === 'application/json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ partialSuccess: { rejectedSpans: '2', errorMessage: 'bad ids' } }));
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(proto);
      }
    });
    t = transport(server.url);
    expect(await t.send(BODY)).toEqual({ kind: 'success', status: 200, rejectedSpans: 3, rejectMessage: 'too old' });
    const json = transport(server.url, { contentType: 'application/json' });
    try {
      expect(await json.send(BODY)).toEqual({ kind: 'success', status: 200, rejectedSpans: 2, rejectMessage: 'bad ids' });
    } finally {
      await json.close();
    }
  });

  it('reports partial success of a metrics export, whose count is of data points, in JSON and protobuf', async () => {
    const proto = Buffer.from(MetricsResponse.encode(MetricsResponse.fromObject({ partial_success: { rejected_data_points: 4, error_message: 'bad unit' } })).finish());
    server = await TestServer.start((req, _body, res) => {
      if (req.headers['content-type'] === 'application/json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ partialSuccess: { rejectedDataPoints: '5', errorMessage: 'too many series' } }));
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(proto);
      }
    });
    t = transport(server.url, { signal: 'metrics' });
    expect(await t.send(BODY)).toEqual({ kind: 'success', status: 200, rejectedSpans: 4, rejectMessage: 'bad unit' });
    const json = transport(server.url, { contentType: 'application/json', signal: 'metrics' });
    try {
      expect(await json.send(BODY)).toEqual({ kind: 'success', status: 200, rejectedSpans: 5, rejectMessage: 'too many series' });
    } finally {
      await json.close();
    }
  });

  it('classifies statuses: 503 and 429 with Retry-After retryable, 400 and 401 not', async () => {
    const answers: Array<[number, Record<string, string>]> = [
      [503, {}],
      [429, { 'retry-after': '2' }],
      [400, {}],
      [401, {}],
    ];
    let i = 0;
    server = await TestServer.start((_req, _body, res) => {
      const [status, headers] = answers[i++]!;
      res.writeHead(status, headers).end('no');
    });
    t = transport(server.url);
    expect(await t.send(BODY)).toMatchObject({ kind: 'retryable', status: 503, message: 'HTTP 503: no' });
    expect(await t.send(BODY)).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 2000 });
    expect(await t.send(BODY)).toMatchObject({ kind: 'failure', status: 400, reason: 'non_retryable' });
    expect(await t.send(BODY)).toMatchObject({ kind: 'failure', status: 401, reason: 'unauthorized' });
  });

  it('keeps only the first KiB of a huge error body for the message', async () => {
    server = await TestServer.start((_req, _body, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('x'.repeat(4 * 1024 * 1024));
    });
    t = transport(server.url, { timeoutMs: 5000 });
    const r = await t.send(BODY);
    expect(r).toMatchObject({ kind: 'failure', status: 400 });
    expect((r as { message: string }).message.length).toBeLessThanOrEqual(1024 + 'HTTP 400: '.length);
    expect((r as { message: string }).message).toMatch(/^HTTP 400: x+$/);
  });

  it('gives up on a server that never answers after the request timeout, as retryable', async () => {
    server = await TestServer.start(() => {
      /* never answers */
    });
    t = transport(server.url, { timeoutMs: 300 });
    const started = Date.now();
    const r = await t.send(BODY);
    expect(r.kind).toBe('retryable');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('gives up on a body that stalls after the headers, as retryable', async () => {
    server = await TestServer.start((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '100' });
      res.write(Buffer.alloc(10));
    });
    t = transport(server.url, { timeoutMs: 300 });
    const started = Date.now();
    expect((await t.send(BODY)).kind).toBe('retryable');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('treats a reset connection and a body cut short as retryable', async () => {
    let n = 0;
    server = await TestServer.start((req, _body, res) => {
      if (n++ === 0) {
        req.socket.destroy();
        return;
      }
      res.writeHead(503, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 20);
    });
    t = transport(server.url, { timeoutMs: 2000 });
    expect((await t.send(BODY)).kind).toBe('retryable');
    expect(await t.send(BODY)).toMatchObject({ kind: 'retryable', status: 503 });
  });

  it('close() ends a request in flight at once, as retryable', async () => {
    server = await TestServer.start(() => {
      /* never answers */
    });
    t = transport(server.url, { timeoutMs: 10_000 });
    const pending = t.send(BODY);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await t.close();
    expect(await pending).toEqual({ kind: 'retryable', message: 'transport closed' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refused connection is retryable', async () => {
    const s = await TestServer.start(() => undefined);
    const url = s.url;
    await s.close();
    t = transport(url);
    expect(await t.send(BODY)).toMatchObject({ kind: 'retryable', message: expect.stringContaining('ECONNREFUSED') });
  });
});
