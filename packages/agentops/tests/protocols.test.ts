/**
 * Acceptance (interop): every value of OTEL_EXPORTER_OTLP_PROTOCOL delivers to a loopback receiver
 * of that protocol, decoded and checked, with the headers of OTEL_EXPORTER_OTLP_HEADERS; exporters
 * by name (`OTEL_TRACES_EXPORTER`, `exporters: ['console']`).
 */
import * as agentops from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { GrpcReceiver } from '../../../testing/grpc-receiver';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { recordSampleSession } from '../../../testing/workload';

describe('OTLP protocols for the collector', () => {
  let restoreEnv: (() => void) | undefined;
  afterEach(async () => {
    await agentops.shutdown(1000);
    restoreEnv?.();
  });

  it.each(['http/protobuf', 'http/json'])('%s: OTEL_TRACES_EXPORTER=otlp with OTEL_EXPORTER_OTLP_* delivers decodable spans and metrics', async (protocol) => {
    const receiver = await OtlpReceiver.start();
    try {
      restoreEnv = setEnv({
        ...SDK_ENV_CLEAR,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,x-note=a%20b',
        OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
      });
      agentops.init({ autoStartSession: false, logLevel: 'silent' });
      const s = agentops.startSession({ name: `via ${protocol}` });
      const n = await recordSampleSession(s);
      expect(await agentops.flush(5000)).toBe(true);
      const traces = receiver.requests.filter((r) => r.path === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      for (const r of traces) {
        expect(r.headers['content-type']).toBe(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
        expect(r.headers['content-encoding']).toBe('gzip');
        expect(r.headers['x-tenant']).toBe('acme');
        expect(r.headers['x-note']).toBe('a b');
      }
      const spans = receiver.spans();
      expect(spans).toHaveLength(n);
      const root = spans.find((x) => x.name === `via ${protocol}`)!;
      expect(root.traceId).toBe(s.traceId);
      expect(spans.find((x) => x.name === 'chat gpt-4o-mini')!.attributes['gen_ai.usage.input_tokens']).toBe(3);
      const metricRequests = receiver.requests.filter((r) => r.path === '/v1/metrics');
      expect(metricRequests.length).toBeGreaterThan(0);
      // Decoded from the wire in every protocol: the session's 3 input and 1 output tokens, one call each.
      const usage = receiver.metrics().find((m) => m.name === 'gen_ai.client.token.usage')!;
      expect(usage.type).toBe('histogram');
      const point = (type: string) => usage.points.find((p) => p.attributes['gen_ai.token.type'] === type)!;
      expect([point('input').count, point('input').sum]).toEqual([1, 3]);
      expect([point('output').count, point('output').sum]).toEqual([1, 1]);
    } finally {
      await agentops.shutdown(1000);
      await receiver.close();
    }
  });

  it('grpc: delivers to a gRPC collector (one encoding shared with HTTP destinations)', async () => {
    const grpc = await GrpcReceiver.start();
    try {
      restoreEnv = setEnv({
        ...SDK_ENV_CLEAR,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: grpc.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme',
      });
      const client = agentops.init({ autoStartSession: false, logLevel: 'silent' });
      const s = agentops.startSession({ name: 'via grpc' });
      const n = await recordSampleSession(s);
      expect(await agentops.flush(5000)).toBe(true);
      expect(grpc.spansReceived).toHaveLength(n);
      expect(grpc.spansReceived.find((x) => x.name === 'via grpc')!.traceId).toBe(s.traceId);
      expect(grpc.metadata[0]!.get('x-tenant')).toEqual(['acme']);
      expect(grpc.metricsReceived.some((m) => m.name === 'agentops.sessions')).toBe(true);
      expect(client.stats().destinations.collector!.spansSent).toBe(n);
    } finally {
      await agentops.shutdown(1000);
      await grpc.close();
    }
  });

  it('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL wins over OTEL_EXPORTER_OTLP_PROTOCOL, and the signal endpoint is used as is', async () => {
    const receiver = await OtlpReceiver.start();
    try {
      restoreEnv = setEnv({
        ...SDK_ENV_CLEAR,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/custom/path`,
      });
      agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false });
      agentops.startSession().end();
      await agentops.flush(3000);
      expect(receiver.requests.map((r) => [r.path, r.headers['content-type']])).toEqual([['/custom/path', 'application/json']]);
    } finally {
      await agentops.shutdown(1000);
      await receiver.close();
    }
  });

  it.each([
    ['OTEL_TRACES_EXPORTER=console', { OTEL_TRACES_EXPORTER: 'console' }, {}],
    ["exporters: ['console']", {}, { exporters: ['console'] as Array<'console'> }],
  ])('%s prints spans on the console', async (_label, env, options) => {
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, ...env });
    const printed: unknown[] = [];
    const spy = jest.spyOn(console, 'dir').mockImplementation((v: unknown) => void printed.push(v));
    try {
      agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, ...options });
      agentops.startSession({ name: 'printed' }).end();
      await agentops.flush(2000);
      expect(printed.some((p) => (p as { name?: string }).name === 'printed')).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});
