/**
 * The local backend: one `node:http` server that speaks the vendor protocol (the auth exchange,
 * OTLP/HTTP traces and metrics), serves the REST API and the viewer, and stores into SQLite through
 * the write queue.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { AgentOpsConfigError } from 'agentops';
import { Auth, type Caller } from './auth';
import { Checkpointer } from './checkpointer';
import { HostCheck } from './host-check';
import { inflated, readBody } from './http-body';
import { BadRequest, DEFAULT_LIMITS, LimitError, type IngestLimits } from './ingest-limits';
import { formatOf, GRPC, OtlpDecoder, statusBody, successBody, type OtlpFormat, type Signal } from './otlp-ingest';
import { prometheusText } from './prometheus-text';
import { handleApi } from './rest-api';
import { SessionIndex } from './session-index';
import { AgentOpsServerError } from './server-error';
import { loadWebFiles, type StaticFile } from './static-files';
import { Storage } from './storage';
import type { Project, WriteBatch } from './storage-rows';
import { WriteQueue } from './write-queue';

export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 4319 (next to OTLP's 4318). */
  port?: number;
  /** Address to bind. Default `127.0.0.1`. Anything but loopback needs `allowRemote: true`. */
  host?: string;
  /** SQLite file, created (with its directory) when missing. Default `./.agentops/agentops.db`. */
  dbPath?: string;
  /** Allow binding to an address other than loopback (the server is then reachable from the network). */
  allowRemote?: boolean;
  /** Largest request body, before and after gzip decompression; larger ones get 413. Default 32 MiB. */
  maxBodyBytes?: number;
  /** Rows (spans + metric points) waiting to be written before OTLP requests get 429. Default 100000. */
  maxQueuedRows?: number;
  /** Lifetime of tokens from `/v3/auth/token`. Default 86400 (one day). */
  tokenTtlSeconds?: number;
  /** Receives the server's own diagnostics (failed writes, internal errors). Default: none. */
  log?: (line: string) => void;
  /**
   * Host names the server answers besides `localhost`, IP addresses and the host it is bound to
   * (a check against DNS rebinding: see docs/local-backend.md). `.example.com` allows that name
   * and every name under it; `'*'` allows any. Default none.
   */
  allowedHosts?: string[];
  /** Spans in one traces request (data points in one metrics request); more get 413. Default 50000. */
  maxSpansPerRequest?: number;
  /** Attribute key-value pairs and array elements at any depth, events and links in one request; more get 413. Default 500000. */
  maxAttributesPerRequest?: number;
  /** Protobuf fields of any kind in one request (OTLP/JSON: JSON values); more get 413. Default 4000000. */
  maxFieldsPerRequest?: number;
  /** Time decoding one request may take; longer gets 413. Default 10000 ms. */
  decodeTimeoutMs?: number;
  /** Heap of the thread that parses OTLP/JSON, in MiB; a body needing more gets 413. Default 512. */
  decodeMemoryMb?: number;
}

export const DEFAULT_PORT = 4319;
export const DEFAULT_DB_PATH = './.agentops/agentops.db';

const AUTH_BODY_LIMIT = 64 * 1024;
const EMPTY = new Uint8Array(0);

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function posInt(options: ServerOptions, name: keyof ServerOptions, def: number, min: number, max: number): number {
  const v = options[name];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new AgentOpsConfigError(name, `an integer from ${min} to ${max}`, v);
  return v;
}

/** A running local backend. Obtain one from `startServer()`. */
export class LocalServer {
  /** The project created on first start, and its first API key. */
  readonly project: Project;
  readonly apiKey: string;
  readonly storage: Storage;
  readonly host: string;
  private readonly server: Server;
  private readonly auth: Auth;
  private readonly queue: WriteQueue;
  private readonly decoder: OtlpDecoder;
  private readonly index: SessionIndex;
  private readonly hosts: HostCheck;
  private readonly files: Map<string, StaticFile>;
  private readonly maxBodyBytes: number;
  private readonly log: (line: string) => void;
  private readonly checkpointer: Checkpointer;
  private closing: Promise<void> | undefined;

  /** @internal Use `startServer()`. */
  constructor(o: {
    storage: Storage;
    project: Project;
    apiKey: string;
    host: string;
    maxBodyBytes: number;
    maxQueuedRows: number;
    tokenTtlSeconds: number;
    log: (line: string) => void;
    limits: IngestLimits;
    allowedHosts: readonly string[];
  }) {
    this.storage = o.storage;
    this.project = o.project;
    this.apiKey = o.apiKey;
    this.host = o.host;
    this.maxBodyBytes = o.maxBodyBytes;
    this.log = o.log;
    this.auth = new Auth(o.storage, o.tokenTtlSeconds);
    this.queue = new WriteQueue(o.storage.path, o.maxQueuedRows, o.log);
    this.decoder = new OtlpDecoder(o.limits, o.maxBodyBytes, o.log);
    // Raised by the checkpointer while a RESTART checkpoint runs: the index thread then starts no read.
    const checkpointGate = new Int32Array(new SharedArrayBuffer(4));
    this.index = new SessionIndex(o.storage.path, o.log, checkpointGate);
    this.hosts = new HostCheck(o.host, o.allowedHosts);
    this.files = loadWebFiles();
    this.checkpointer = new Checkpointer(o.storage, undefined, checkpointGate);
    this.server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
      // No answer of this server is to be read as anything but the type it declares.
      res.setHeader('x-content-type-options', 'nosniff');
      this.handle(req, res).catch((err: unknown) => {
        this.log(`internal error on ${req.method ?? ''} ${req.url ?? ''}: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) this.json(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
  }

  /** @internal */
  listen(port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new AgentOpsServerError('AGENTOPS_SERVER_LISTEN', `cannot listen on ${this.host}:${port}: ${err.code ?? err.message}${err.code === 'EADDRINUSE' ? ' (the port is taken: pass another port, or 0 for a free one)' : ''}`));
      };
      this.server.once('error', onError);
      this.server.listen(port, this.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL, e.g. `http://127.0.0.1:4319`. A wildcard bind address is shown as this machine's name. */
  get url(): string {
    const h = this.host === '0.0.0.0' || this.host === '::' ? hostname() : this.host;
    return `http://${h.includes(':') ? `[${h}]` : h}:${this.port}`;
  }

  /** The viewer's URL; with a key, it logs in by itself (the key travels in the fragment, which never reaches the server). */
  viewerUrl(options: { traceId?: string; apiKey?: string } = {}): string {
    const q = options.traceId === undefined ? '' : `?trace_id=${options.traceId}`;
    const f = options.apiKey === undefined ? '' : `#key=${encodeURIComponent(options.apiKey)}`;
    return `${this.url}/sessions${q}${f}`;
  }

  /** The environment an agent needs to send its sessions here (with the first project's key by default). */
  env(apiKey = this.apiKey): Record<'AGENTOPS_API_KEY' | 'AGENTOPS_API_ENDPOINT' | 'AGENTOPS_EXPORTER_ENDPOINT' | 'AGENTOPS_APP_URL', string> {
    return {
      AGENTOPS_API_KEY: apiKey,
      AGENTOPS_API_ENDPOINT: this.url,
      AGENTOPS_EXPORTER_ENDPOINT: `${this.url}/v1/traces`,
      AGENTOPS_APP_URL: this.url,
    };
  }

  /** Creates another project with its own API key. */
  createProject(name: string): { project: Project; apiKey: string } {
    return this.storage.createProject(name);
  }

  /**
   * The write queue: rows waiting, transactions committed, retries of a busy database, and the
   * time transactions were outstanding (round trip) and running on the write thread (commit).
   */
  queueStats(): { queuedRows: number; maxQueuedRows: number; commits: number; busyRetries: number; roundTripMs: number; commitMs: number } {
    const q = this.queue;
    return { queuedRows: q.size, maxQueuedRows: q.maxQueuedRows, commits: q.commits, busyRetries: q.busyRetries, roundTripMs: Math.round(q.txMs), commitMs: Math.round(q.commitMs) };
  }

  /** Spans stored, in one project or all of them. */
  countSpans(projectId?: string): number {
    return this.storage.countSpans(projectId);
  }

  /**
   * Stops accepting connections, writes what is queued, answers the requests waiting for it, and
   * closes the database. Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      await this.decoder.close();
      await this.index.close();
      await this.queue.close();
      // Let the answers to the requests the last commit resolved reach their sockets.
      await new Promise((r) => setImmediate(r));
      this.server.closeAllConnections();
      await stopped;
      await this.checkpointer.close();
      this.storage.close();
    })();
    return this.closing;
  }

  // ---- routing ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (!this.hosts.allows(req.headers.host)) {
      return this.json(res, 403, { error: `host ${JSON.stringify(req.headers.host)} is not allowed: this server answers localhost, IP addresses and the host it listens on; allow other names with --allow-host (allowedHosts)` });
    }

    if (path === '/v1/traces' || path === '/v1/metrics') {
      if (method !== 'POST') return this.methodNotAllowed(res, 'POST');
      return this.ingest(req, res, path === '/v1/traces' ? 'traces' : 'metrics');
    }
    if (path === '/v3/auth/token') {
      if (method !== 'POST') return this.methodNotAllowed(res, 'POST');
      return this.exchange(req, res);
    }
    if (path.startsWith('/api/')) {
      if (method !== 'GET') return this.methodNotAllowed(res, 'GET');
      const caller = this.auth.callerOf(req.headers);
      if (caller === undefined) return this.json(res, 401, { error: 'missing or invalid credentials: send Authorization: Bearer <token or API key>' });
      const r = await handleApi(this.storage, this.index, caller, path, url.searchParams);
      return this.json(res, r.status, r.body);
    }
    if (path === '/metrics') {
      if (method !== 'GET') return this.methodNotAllowed(res, 'GET');
      return this.metrics(req, res);
    }
    if (method !== 'GET' && method !== 'HEAD') return this.methodNotAllowed(res, 'GET');
    if (path === '/healthz') return this.json(res, 200, { status: 'ok' });
    if (path === '/') {
      res.writeHead(302, { location: '/sessions' });
      res.end();
      return;
    }
    if (path === '/sessions' || path === '/sessions/') return this.file(res, 'index.html');
    if (path === '/dashboard' || path === '/dashboard/') return this.file(res, 'index.html');
    if (path.startsWith('/assets/')) return this.file(res, path.slice('/assets/'.length));
    this.json(res, 404, { error: `${path} not found` });
  }

  /** The project's stored metric points for Prometheus to scrape (the key or a token as a bearer credential). */
  private metrics(req: IncomingMessage, res: ServerResponse): void {
    const caller = this.auth.callerOf(req.headers);
    if (caller === undefined) return this.json(res, 401, { error: 'missing or invalid credentials: send Authorization: Bearer <API key> (Prometheus: authorization.credentials in the scrape config)' });
    const project = this.storage.projectById(caller.projectId);
    const body = Buffer.from(prometheusText(this.storage.latestMetricPoints(caller.projectId), project?.name ?? caller.projectId));
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(body);
  }

  private file(res: ServerResponse, name: string): void {
    const f = this.files.get(name);
    if (f === undefined) return this.json(res, 404, { error: 'not found' });
    res.writeHead(200, {
      'content-type': f.contentType,
      'content-length': f.body.length,
      'cache-control': 'no-cache',
      // Everything the page needs comes from this server: no CDN, no inline script.
      'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
    });
    res.end(f.body);
  }

  private async exchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const r = await readBody(req, AUTH_BODY_LIMIT);
    if (r.kind === 'too_large') return this.json(res, 413, { error: 'body too large' });
    if (r.kind !== 'ok') return this.json(res, 400, { error: 'unreadable body' });
    let apiKey: unknown;
    try {
      const body = await inflated(r.body, r.gzip, AUTH_BODY_LIMIT);
      apiKey = (JSON.parse(body.toString('utf8')) as { api_key?: unknown } | null)?.api_key;
    } catch (err) {
      if (err instanceof LimitError) return this.json(res, 413, { error: 'body too large' });
      if (err instanceof BadRequest) return this.json(res, 400, { error: 'unreadable body' });
      return this.json(res, 400, { error: 'the body must be JSON: {"api_key": "..."}' });
    }
    if (typeof apiKey !== 'string' || apiKey === '') return this.json(res, 400, { error: 'the body must be JSON: {"api_key": "..."}' });
    const issued = this.auth.issueToken(apiKey);
    if (issued === undefined) return this.json(res, 401, { error: 'unknown API key' });
    this.json(res, 200, { token: issued.token, project_id: issued.projectId, expires_at: issued.expiresAt.toISOString() });
  }

  private async ingest(req: IncomingMessage, res: ServerResponse, signal: Signal): Promise<void> {
    const format = formatOf(req.headers['content-type']);
    const answerFormat: OtlpFormat = format ?? 'json';
    const fail = (status: number, grpc: number, message: string, headers: Record<string, string> = {}): void => {
      this.send(res, status, answerFormat, statusBody(answerFormat, grpc, message), headers);
    };
    // Nothing is read, decoded or stored for a caller without valid credentials.
    const caller: Caller | undefined = this.auth.callerOf(req.headers);
    if (caller === undefined) return fail(401, GRPC.UNAUTHENTICATED, 'missing or invalid credentials: send Authorization: Bearer <token from /v3/auth/token>');
    if (format === undefined) return fail(415, GRPC.INVALID_ARGUMENT, `unsupported content-type ${JSON.stringify(req.headers['content-type'] ?? '')}: use application/x-protobuf or application/json`);
    if (this.queue.wouldOverflow(1)) return this.busy(res, answerFormat);

    const body = await readBody(req, this.maxBodyBytes);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too_large') return fail(413, GRPC.INVALID_ARGUMENT, `body larger than ${this.maxBodyBytes} bytes`, { connection: 'close' });
    if (body.kind === 'unsupported_encoding') return fail(415, GRPC.INVALID_ARGUMENT, `unsupported content-encoding ${JSON.stringify(body.encoding)}: use gzip or none`);

    const decoded = await this.decoder.decode(signal, format, body.body, body.gzip);
    if (decoded.kind === 'refused') return fail(decoded.status, GRPC.INVALID_ARGUMENT, decoded.message);
    const { rejected, message } = decoded;
    const batch: WriteBatch =
      decoded.kind === 'traces'
        ? { projectId: caller.projectId, spans: decoded.items.spans, resources: decoded.items.resources, body: decoded.items.body, metrics: [] }
        : { projectId: caller.projectId, spans: [], resources: [], body: EMPTY, metrics: decoded.items };
    const rows = batch.spans.length + batch.metrics.reduce((n, m) => n + m.points.length, 0);
    if (rows > 0) {
      if (this.queue.wouldOverflow(rows)) return this.busy(res, answerFormat);
      try {
        await this.queue.enqueue(batch);
      } catch (err) {
        this.log(`write failed: ${(err as Error).message}`);
        return fail(503, GRPC.UNAVAILABLE, 'the write failed; retry later', { 'retry-after': '1' });
      }
    }
    this.send(res, 200, format, successBody(signal, format, rejected, message));
  }

  private busy(res: ServerResponse, format: OtlpFormat): void {
    this.send(res, 429, format, statusBody(format, GRPC.RESOURCE_EXHAUSTED, 'the write queue is full; retry after the given delay'), { 'retry-after': '1' });
  }

  private send(res: ServerResponse, status: number, format: OtlpFormat, body: Buffer, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf', 'content-length': body.length, ...headers });
    res.end(body);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': text.length, 'cache-control': 'no-store' });
    res.end(text);
  }

  private methodNotAllowed(res: ServerResponse, allow: string): void {
    res.setHeader('allow', allow);
    this.json(res, 405, { error: `method not allowed; use ${allow}` });
  }
}

/**
 * Starts the local backend: opens (or creates) the database, creates the first project and API key
 * when there is none, and listens. Throws `AgentOpsServerError` when it cannot.
 *
 * @example
 * const server = await startServer({ port: 0, dbPath: '/tmp/agentops.db' });
 * Object.assign(process.env, server.env());   // then agentops.init() sends here
 */
export async function startServer(options: ServerOptions = {}): Promise<LocalServer> {
  const o: ServerOptions = options !== null && typeof options === 'object' ? options : {};
  const port = posInt(o, 'port', DEFAULT_PORT, 0, 65535);
  const maxBodyBytes = posInt(o, 'maxBodyBytes', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024);
  const maxQueuedRows = posInt(o, 'maxQueuedRows', 100_000, 1, 10_000_000);
  const tokenTtlSeconds = posInt(o, 'tokenTtlSeconds', 86_400, 1, 365 * 86_400);
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new AgentOpsConfigError('host', 'a host name or IP address', host);
  const dbPath = o.dbPath ?? DEFAULT_DB_PATH;
  // The write thread needs its own connection to the same database: an in-memory one cannot be shared.
  if (typeof dbPath !== 'string' || dbPath === '' || dbPath === ':memory:') throw new AgentOpsConfigError('dbPath', 'a file path', dbPath);
  if (!isLoopbackHost(host) && o.allowRemote !== true) {
    throw new AgentOpsServerError(
      'AGENTOPS_SERVER_REMOTE_HOST',
      `refusing to listen on ${host}: it is not a loopback address, so anyone who can reach this machine could reach the server. Pass allowRemote: true (--allow-remote) if that is what you want.`,
    );
  }
  const log = typeof o.log === 'function' ? o.log : () => undefined;
  const limits: IngestLimits = {
    maxSpansPerRequest: posInt(o, 'maxSpansPerRequest', DEFAULT_LIMITS.maxSpansPerRequest, 1, 10_000_000),
    maxAttributesPerRequest: posInt(o, 'maxAttributesPerRequest', DEFAULT_LIMITS.maxAttributesPerRequest, 1, 100_000_000),
    maxFieldsPerRequest: posInt(o, 'maxFieldsPerRequest', DEFAULT_LIMITS.maxFieldsPerRequest, 1, 1_000_000_000),
    decodeTimeoutMs: posInt(o, 'decodeTimeoutMs', DEFAULT_LIMITS.decodeTimeoutMs, 1, 3_600_000),
    decodeMemoryMb: posInt(o, 'decodeMemoryMb', DEFAULT_LIMITS.decodeMemoryMb, 16, 64 * 1024),
  };
  const allowedHosts = o.allowedHosts ?? [];
  if (!Array.isArray(allowedHosts) || !allowedHosts.every((h) => typeof h === 'string' && h.trim() !== '')) throw new AgentOpsConfigError('allowedHosts', 'an array of host names', allowedHosts);
  const storage = Storage.open(dbPath);
  try {
    const { project, apiKey } = storage.defaultProject();
    const server = new LocalServer({ storage, project, apiKey, host, maxBodyBytes, maxQueuedRows, tokenTtlSeconds, log, limits, allowedHosts });
    try {
      await server.listen(port);
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  } catch (err) {
    storage.close();
    throw err;
  }
}
