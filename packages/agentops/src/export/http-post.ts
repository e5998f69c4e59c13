/**
 * The SDK's HTTP client: POSTs over Node's own `http` / `https` with a keep-alive agent per
 * destination. Node's built-in client parses responses natively; an HTTP library written in
 * JavaScript and WebAssembly (undici) cost an exporting process some 25 MiB more resident memory at
 * its peak for the same traffic, and its entry point replaces the dispatcher behind the process's
 * global `fetch`. This module touches no global state.
 */
import http from 'node:http';
import https from 'node:https';

export type PostAgent = http.Agent;

export interface AgentOptions {
  /** Sockets the agent may open at once; matches the destination's concurrency. */
  connections: number;
  /** How long an idle keep-alive socket stays open. */
  keepAliveMs: number;
  /** Certificate authorities and client certificate for https (`OTEL_EXPORTER_OTLP_*CERTIFICATE`). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

export interface PostOptions {
  headers: Readonly<Record<string, string>>;
  body: Uint8Array | string;
  signal?: AbortSignal;
  /** Longest silence allowed while connecting, waiting for the response or reading it. */
  timeoutMs: number;
}

export interface PostResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  /** The response body; read it with `readBody()` so the socket goes back to the agent. */
  body: http.IncomingMessage;
}

export class RequestTimeoutError extends Error {
  override name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`no answer for ${ms} ms`);
  }
}

/** A keep-alive agent for `url`'s scheme; idle sockets never keep the process alive. */
export function createAgent(url: string, options: AgentOptions): PostAgent {
  const o = { keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections, timeout: options.keepAliveMs, scheduling: 'lifo' as const };
  return new URL(url).protocol === 'https:' ? new https.Agent({ ...o, ...options.tls }) : new http.Agent(o);
}

/** POSTs `body` to `url` over `agent`; resolves once the response headers arrived. */
export function post(agent: PostAgent, url: string, options: PostOptions): Promise<PostResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
    const send = target.protocol === 'https:' ? https.request : http.request;
    let req: http.ClientRequest;
    try {
      req = send(target, {
        method: 'POST',
        agent,
        headers: { ...options.headers, 'content-length': String(body.byteLength) },
        signal: options.signal,
      });
    } catch (err) {
      reject(err);
      return;
    }
    req.setTimeout(options.timeoutMs, () => req.destroy(new RequestTimeoutError(options.timeoutMs)));
    req.once('error', reject);
    req.once('response', (res) => {
      // The request's error listener stays: an error after this point surfaces on the body too.
      resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    req.end(body);
  });
}

/**
 * Reads the body, keeping at most `limit` bytes (the rest is read and dropped, so a backend that
 * answers megabytes costs no memory). Rejects if the body is cut short.
 */
export function readBody(res: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      const part = chunk.length > limit - size ? chunk.subarray(0, limit - size) : chunk;
      chunks.push(part);
      size += part.length;
    });
    res.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(Object.assign(new Error('response cut short'), { code: 'ECONNRESET' }));
    });
  });
}
