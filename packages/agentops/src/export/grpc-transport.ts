/**
 * OTLP over gRPC with @grpc/grpc-js, sending the batch's protobuf bytes as they are: the request
 * message of the OTLP gRPC service is the same ExportTraceServiceRequest the HTTP exporter posts, so
 * a gRPC destination shares the one encoding of the batch.
 */
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { partialSuccessOf } from './partial-success';
import type { SendResult, Transport } from './send-result';

export interface GrpcTransportOptions {
  /** `http(s)://host:port`. */
  origin: string;
  signal: 'traces' | 'metrics';
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Plaintext even for https (OTEL_EXPORTER_OTLP_INSECURE). */
  insecure: boolean;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  compression: 'gzip' | 'none';
  userAgent: string;
}

const PATHS = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

// The OTLP specification's retryable gRPC status codes.
const RETRYABLE = new Set<number>([status.CANCELLED, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.ABORTED, status.OUT_OF_RANGE, status.UNAVAILABLE, status.DATA_LOSS]);

export class GrpcTransport implements Transport {
  private readonly client: Client;
  private readonly path: string;

  constructor(private readonly options: GrpcTransportOptions) {
    const url = new URL(options.origin);
    const secure = url.protocol === 'https:' && !options.insecure;
    this.client = new Client(url.host, secure ? credentials.createSsl(options.tls?.ca ?? null, options.tls?.key ?? null, options.tls?.cert ?? null) : credentials.createInsecure(), {
      'grpc.primary_user_agent': options.userAgent,
      ...(options.compression === 'gzip' ? { 'grpc.default_compression_algorithm': 2 } : {}),
    });
    this.path = PATHS[options.signal];
  }

  send(body: Uint8Array): Promise<SendResult> {
    return context.with(suppressTracing(context.active()), () => this.sendNow(body));
  }

  private sendNow(body: Uint8Array): Promise<SendResult> {
    return new Promise<SendResult>((resolve) => {
      const metadata = new Metadata();
      for (const [k, v] of Object.entries(this.options.headers)) metadata.set(k, v);
      this.client.makeUnaryRequest<Uint8Array, Buffer>(
        this.path,
        (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
        (b) => b,
        body,
        metadata,
        { deadline: Date.now() + this.options.timeoutMs },
        (err: ServiceError | null, response?: Buffer) => {
          if (!err) {
            resolve({ kind: 'success', status: 200, ...partialSuccessOf(response, this.options.signal, false) });
            return;
          }
          const message = `gRPC ${status[err.code] ?? err.code}: ${err.details || err.message}`;
          if (RETRYABLE.has(err.code)) resolve({ kind: 'retryable', message });
          else resolve({ kind: 'failure', reason: err.code === status.UNAUTHENTICATED ? 'unauthorized' : 'non_retryable', message });
        },
      );
    });
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
