/** The transport for a collector target, by protocol; and which encoding its batches need. */
import type { OtlpTarget } from '../otlp-env';
import { USER_AGENT } from '../version';
import type * as GrpcModule from './grpc-transport';
import { HttpTransport } from './http-transport';
import type { Transport } from './send-result';

export type Encoding = 'protobuf' | 'json';

export function encodingOf(target: OtlpTarget): Encoding {
  return target.protocol === 'http/json' ? 'json' : 'protobuf';
}

export function collectorTransport(target: OtlpTarget, signal: 'traces' | 'metrics', connections: number): Transport {
  if (target.protocol === 'grpc') {
    // Loaded on demand: @grpc/grpc-js costs every process ~12 MiB and ~80 ms at startup otherwise.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { GrpcTransport } = require('./grpc-transport') as typeof GrpcModule;
    return new GrpcTransport({
      origin: target.url,
      signal,
      headers: target.headers,
      timeoutMs: target.timeoutMs,
      insecure: target.insecure,
      compression: target.compression,
      userAgent: USER_AGENT,
    });
  }
  return new HttpTransport({
    url: target.url,
    contentType: target.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    headers: target.headers,
    timeoutMs: target.timeoutMs,
    connections,
    userAgent: USER_AGENT,
    compression: target.compression,
    signal,
  });
}
