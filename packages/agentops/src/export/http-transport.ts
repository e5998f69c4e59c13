/**
 * POSTs encoded OTLP batches over HTTP(S). Each destination owns one of these and its own
 * connection pool, so a slow destination cannot hold sockets another one needs.
 */
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { errorSummary, isRetryableError, isRetryableStatus } from './is-retryable';
import { partialSuccessOf, type Signal } from './partial-success';
import { parseRetryAfter } from './retry-after';
import type { SendResult, Transport } from './send-result';
import { createAgent, post, readBody, type PostAgent } from './http-post';

export interface HttpTransportOptions {
  url: string;
  contentType: 'application/x-protobuf' | 'application/json';
  headers?: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Connections the pool may open; matches the destination's concurrency. */
  connections: number;
  userAgent: string;
  compression?: 'gzip' | 'none';
  /** What the answers are to (their partial-success field differs); traces when not said. */
  signal?: Signal;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

const gzipAsync = promisify(gzip);

// Error bodies are read for the log line only; a backend answering megabytes must not cost memory.
const MAX_ERROR_BODY = 1024;
// A success body is an ExportTraceServiceResponse: a partial-success count and a message.
const MAX_SUCCESS_BODY = 64 * 1024;

export class HttpTransport implements Transport {
  private readonly agent: PostAgent;
  private readonly controllers = new Set<AbortController>();
  private readonly baseHeaders: Record<string, string>;

  constructor(private readonly options: HttpTransportOptions) {
    this.agent = createAgent(options.url, { connections: options.connections, keepAliveMs: 4_000, tls: options.tls });
    this.baseHeaders = {
      ...options.headers,
      'content-type': options.contentType,
      'user-agent': options.userAgent,
      ...(options.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
    };
  }

  get url(): string {
    return this.options.url;
  }

  send(body: Uint8Array, extraHeaders?: Readonly<Record<string, string>>): Promise<SendResult> {
    // Our own HTTP calls must never become spans (an HTTP instrumentation would loop on them).
    return context.with(suppressTracing(context.active()), () => this.sendNow(body, extraHeaders));
  }

  private async sendNow(body: Uint8Array, extraHeaders?: Readonly<Record<string, string>>): Promise<SendResult> {
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(new TimeoutError(this.options.timeoutMs)), this.options.timeoutMs);
    timer.unref();
    try {
      // Compressed per destination: only destinations that asked for gzip pay for it.
      const payload = this.options.compression === 'gzip' ? await gzipAsync(body) : body;
      const res = await post(this.agent, this.options.url, {
        headers: extraHeaders ? { ...this.baseHeaders, ...extraHeaders } : this.baseHeaders,
        body: payload,
        signal: controller.signal,
        timeoutMs: this.options.timeoutMs,
      });
      const status = res.statusCode;
      if (status >= 200 && status < 300) {
        const bytes = await readBody(res.body, MAX_SUCCESS_BODY);
        return { kind: 'success', status, ...partialSuccessOf(bytes, this.options.signal ?? 'traces', isJson(res.headers['content-type'])) };
      }
      const text = await readText(res.body);
      const message = `HTTP ${status}${text ? `: ${text}` : ''}`;
      if (isRetryableStatus(status)) {
        return { kind: 'retryable', status, retryAfterMs: parseRetryAfter(res.headers['retry-after'] as string | undefined), message };
      }
      return { kind: 'failure', status, reason: status === 401 ? 'unauthorized' : 'non_retryable', message };
    } catch (err) {
      const message = errorSummary(err);
      if (controller.signal.aborted && controller.signal.reason instanceof ClosedError) {
        return { kind: 'retryable', message: 'transport closed' };
      }
      if (isRetryableError(err) || controller.signal.aborted) return { kind: 'retryable', message };
      return { kind: 'failure', reason: 'non_retryable', message };
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }

  async close(): Promise<void> {
    for (const c of this.controllers) c.abort(new ClosedError());
    this.agent.destroy();
  }
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(ms: number) {
    super(`request timed out after ${ms} ms`);
  }
}

class ClosedError extends Error {
  override name = 'ClosedError';
  constructor() {
    super('transport closed');
  }
}

async function readText(body: Parameters<typeof readBody>[0]): Promise<string> {
  try {
    return (await readBody(body, MAX_ERROR_BODY)).toString('utf8').trim();
  } catch {
    // A body cut short still tells us the status.
    return '';
  }
}

function isJson(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.includes('json');
}
