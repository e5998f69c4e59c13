/** The transport for a collector target, by protocol; and which encoding its batches need. */
import type { SdkLogger } from '../log';
import type { OtlpTarget } from '../otlp-env';
import { USER_AGENT } from '../version';
import type * as GrpcModule from './grpc-transport';
import { HttpTransport } from './http-transport';
import { GRPC_PACKAGE, hasPackage, missingPackageMessage } from './optional-package';
import type { SendResult, Transport } from './send-result';

export type Encoding = 'protobuf' | 'json';

export function encodingOf(target: OtlpTarget): Encoding {
  return target.protocol === 'http/json' ? 'json' : 'protobuf';
}

/**
 * A destination whose transport cannot be built because an optional package is missing: every
 * batch fails as not retryable, so its spans are counted as dropped (with this message as the
 * destination's last error) instead of vanishing, and nothing is sent over another protocol.
 */
class UnavailableTransport implements Transport {
  constructor(private readonly message: string) {}

  send(): Promise<SendResult> {
    return Promise.resolve({ kind: 'failure', reason: 'non_retryable', message: this.message });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function collectorTransport(target: OtlpTarget, signal: 'traces' | 'metrics', connections: number, logger: SdkLogger): Transport {
  if (target.protocol === 'grpc') {
    if (!hasPackage(GRPC_PACKAGE)) {
      // Only the environment can get here: init({ destinations }) refuses grpc without the package.
      const message = missingPackageMessage(`OTLP over gRPC (OTEL_EXPORTER_OTLP_PROTOCOL=grpc, to ${target.url})`, GRPC_PACKAGE);
      logger.once('missing-package:grpc', 'error', `${message}; until then the collector's ${signal} are dropped and counted`);
      return new UnavailableTransport(message);
    }
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
      tls: target.tls,
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
    tls: target.tls,
  });
}
