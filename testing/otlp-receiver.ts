/**
 * A loopback OTLP/HTTP receiver for tests: it decodes the exporter's real protobuf bytes with the
 * opentelemetry-proto schema. Optionally it plays the AgentOps backend too: the auth exchange at
 * `/v3/auth/token` and Bearer checks on `/v1/traces`. Faults are scripted per request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeMetricsRequest, decodeTraceRequest, type DecodedMetric, type DecodedSpan } from '../packages/server/src/otlp/otlp-decode';
import { decodeMetricsRequestJson } from '../packages/server/src/otlp/otlp-json';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  status: number;
  spans: DecodedSpan[];
  metrics: DecodedMetric[];
  at: number;
}

/** What to answer: a status (with optional headers/body), 'destroy' to cut the connection, or undefined for the default. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'destroy' | undefined;

export interface VendorOptions {
  apiKey: string;
  /** Token handed out by the n-th exchange (1-based); default `token-{n}`. */
  token?: (n: number) => string;
  projectId?: string;
  /** Delay before answering the auth exchange. */
  authDelayMs?: number;
  /** Status for every auth exchange (e.g. 401 to reject the key). */
  authStatus?: number;
}

export interface ReceiverOptions {
  /** Scripted answer for OTLP requests, given the request and how many came before it. */
  reply?: (req: { path: string; headers: IncomingMessage['headers'] }, index: number) => Reply | Promise<Reply>;
  vendor?: VendorOptions;
  /** Serve https with this certificate and key (PEM), asking for a client certificate when `ca` is given. */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
}

export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly authRequests: Array<{ body: unknown; at: number }> = [];
  /** Tokens the vendor stub currently accepts. */
  readonly validTokens = new Set<string>();
  private otlpCount = 0;
  private waiters: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();

  private server: Server;
  private boundPort = 0;

  private constructor(readonly options: ReceiverOptions) {
    this.server = this.makeServer();
  }

  static async start(options: ReceiverOptions = {}, port = 0): Promise<OtlpReceiver> {
    const r = new OtlpReceiver(options);
    await r.listen(port);
    return r;
  }

  private makeServer(): Server {
    const tls = this.options.tls;
    const server = tls ? createTlsServer({ ...tls, requestCert: tls.ca !== undefined, rejectUnauthorized: tls.ca !== undefined }) : createServer();
    server.on('request', (req, res) => void this.handle(req, res));
    server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.removeListener('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  /** Takes the receiver down (connections refused) keeping what it received. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Brings it back on the same port. */
  async restart(): Promise<void> {
    this.server = this.makeServer();
    await this.listen(this.boundPort);
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return this.options.tls ? `https://localhost:${this.port}` : `http://127.0.0.1:${this.port}`;
  }

  /** Spans of every accepted (2xx) traces request, in arrival order. */
  spans(): DecodedSpan[] {
    return this.requests.filter((r) => r.path.endsWith('/v1/traces') && r.status < 300).flatMap((r) => r.spans);
  }

  metrics(): DecodedMetric[] {
    return this.requests.filter((r) => r.path.endsWith('/v1/metrics') && r.status < 300).flatMap((r) => r.metrics);
  }

  /** Resolves once `predicate` holds (checked after each request), or rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  waitForSpans(n: number, timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.spans().length >= n, timeoutMs, `${n} spans (have ${this.spans().length})`);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Span ids received more than once. */
  duplicates(): string[] {
    const seen = new Set<string>();
    const dup: string[] = [];
    for (const s of this.spans()) {
      const id = `${s.traceId}/${s.spanId}`;
      if (seen.has(id)) dup.push(id);
      seen.add(id);
    }
    return dup;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const path = (req.url ?? '/').split('?')[0]!;
    const vendor = this.options.vendor;

    if (path === '/v3/auth/token' && vendor) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      this.authRequests.push({ body: parsed, at: Date.now() });
      const n = this.authRequests.length;
      if (vendor.authDelayMs) await new Promise((r) => setTimeout(r, vendor.authDelayMs));
      if (vendor.authStatus && vendor.authStatus !== 200) {
        this.send(res, vendor.authStatus, { error: 'rejected' });
      } else if ((parsed as { api_key?: unknown } | undefined)?.api_key !== vendor.apiKey) {
        this.send(res, 401, { error: 'invalid api key' });
      } else {
        const token = vendor.token ? vendor.token(n) : `token-${n}`;
        this.validTokens.add(token);
        this.send(res, 200, { token, project_id: vendor.projectId ?? 'project-1' });
      }
      this.notify();
      return;
    }

    const index = this.otlpCount++;
    let reply = this.options.reply ? await this.options.reply({ path, headers: req.headers }, index) : undefined;
    if (reply === undefined && vendor && path.startsWith('/v1/')) {
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (!this.validTokens.has(token)) reply = { status: 401, body: 'bad token' };
    }
    if (reply === 'destroy') {
      req.socket.destroy();
      this.record(req, path, body, 0);
      return;
    }
    const status = reply?.status ?? 200;
    this.record(req, path, body, status);
    res.writeHead(status, { 'content-type': status < 300 ? 'application/x-protobuf' : 'text/plain', ...(reply?.headers ?? {}) });
    res.end(reply?.body ?? '');
    this.notify();
  }

  private record(req: IncomingMessage, path: string, body: Buffer, status: number): void {
    let spans: DecodedSpan[] = [];
    let metrics: DecodedMetric[] = [];
    const json = (req.headers['content-type'] ?? '').includes('json');
    if (status >= 200 && status < 300) {
      if (path.endsWith('/v1/traces')) spans = json ? decodeTraceJson(body) : decodeTraceRequest(body);
      if (path.endsWith('/v1/metrics')) metrics = json ? decodeMetricsRequestJson(JSON.parse(body.toString('utf8'))) : decodeMetricsRequest(body);
    }
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body, status, spans, metrics, at: Date.now() });
  }

  private send(res: ServerResponse, status: number, json: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(json));
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Revokes every token handed out so far (the next export gets 401). */
  revokeTokens(): void {
    this.validTokens.clear();
  }
}

/**
 * OTLP/JSON traces (the specification's JSON mapping: lowerCamelCase fields, ids as hex strings,
 * 64-bit integers possibly as strings) to the same plain spans the protobuf decoder gives.
 */
export function decodeTraceJson(body: Buffer): DecodedSpan[] {
  type J = Record<string, unknown>;
  const req = JSON.parse(body.toString('utf8')) as J;
  const anyValue = (v: J | undefined): unknown => {
    if (!v) return undefined;
    if ('stringValue' in v) return v.stringValue;
    if ('boolValue' in v) return v.boolValue;
    if ('intValue' in v) return Number(v.intValue);
    if ('doubleValue' in v) return v.doubleValue;
    if ('arrayValue' in v) return (((v.arrayValue as J).values as J[]) ?? []).map(anyValue);
    if ('kvlistValue' in v) return kv((v.kvlistValue as J).values as J[]);
    return undefined;
  };
  const kv = (list: J[] | undefined): Record<string, unknown> => Object.fromEntries((list ?? []).map((a) => [a.key as string, anyValue(a.value as J)]));
  const out: DecodedSpan[] = [];
  for (const rs of (req.resourceSpans as J[]) ?? []) {
    const resource = kv(((rs.resource as J | undefined)?.attributes as J[]) ?? []);
    for (const ss of (rs.scopeSpans as J[]) ?? []) {
      const scope = { name: String((ss.scope as J | undefined)?.name ?? ''), version: String((ss.scope as J | undefined)?.version ?? '') };
      for (const s of (ss.spans as J[]) ?? []) {
        const status = (s.status as J | undefined) ?? {};
        out.push({
          traceId: String(s.traceId),
          spanId: String(s.spanId),
          parentSpanId: s.parentSpanId ? String(s.parentSpanId) : undefined,
          traceState: String(s.traceState ?? ''),
          flags: Number(s.flags ?? 0),
          name: String(s.name),
          kind: Number(s.kind ?? 0),
          startTimeUnixNano: String(s.startTimeUnixNano ?? '0'),
          endTimeUnixNano: String(s.endTimeUnixNano ?? '0'),
          attributes: kv(s.attributes as J[]),
          events: ((s.events as J[]) ?? []).map((e) => ({ name: String(e.name), timeUnixNano: String(e.timeUnixNano ?? '0'), attributes: kv(e.attributes as J[]) })),
          links: [],
          status: { code: Number(status.code ?? 0), message: String(status.message ?? '') },
          resource,
          scope,
          droppedAttributesCount: Number(s.droppedAttributesCount ?? 0),
        });
      }
    }
  }
  return out;
}

/** A loopback port with nothing listening on it (connection refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
