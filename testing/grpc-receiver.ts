/** A loopback OTLP/gRPC receiver (a real @grpc/grpc-js server) that decodes the requests it gets. */
import { Server, ServerCredentials, type Metadata, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { decodeMetricsRequest, decodeTraceRequest, type DecodedMetric, type DecodedSpan } from '../packages/server/src/otlp/otlp-decode';

const identity = (b: Buffer): Buffer => b;

export class GrpcReceiver {
  readonly spansReceived: DecodedSpan[] = [];
  readonly metricsReceived: DecodedMetric[] = [];
  readonly metadata: Metadata[] = [];

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(): Promise<GrpcReceiver> {
    const server = new Server();
    let receiver: GrpcReceiver | undefined;
    const method = (path: string) => ({ path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity });
    server.addService(
      { Export: method('/opentelemetry.proto.collector.trace.v1.TraceService/Export') },
      {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => {
          receiver!.metadata.push(call.metadata);
          receiver!.spansReceived.push(...decodeTraceRequest(call.request));
          cb(null, Buffer.alloc(0));
        },
      },
    );
    server.addService(
      { Export: method('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export') },
      {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => {
          receiver!.metricsReceived.push(...decodeMetricsRequest(call.request));
          cb(null, Buffer.alloc(0));
        },
      },
    );
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    receiver = new GrpcReceiver(server, port);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
