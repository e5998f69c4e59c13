/**
 * Acceptance (interop): an unknown value in any of the interoperability variables is reported once,
 * names the variable and the accepted values, and falls back to the default without crashing.
 */
import { resolveConfig } from '../src/config';
import { SdkLogger } from '../src/log';
import { CaptureLogger } from '../../../testing/capture-logger';

const quiet = new SdkLogger('silent');

describe.each([
  ['OTEL_TRACES_EXPORTER', 'zipkin', /otlp, console, none/],
  ['OTEL_METRICS_EXPORTER', 'statsd', /otlp, console, prometheus, none/],
  ['OTEL_TRACES_EXPORTER', 'jaeger', /deprecated upstream/],
  ['OTEL_LOGS_EXPORTER', 'otlp', /exports no log records/],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http/thrift', /http\/protobuf, http\/json, grpc/],
  ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'udp', /http\/protobuf, http\/json, grpc/],
  ['OTEL_EXPORTER_OTLP_COMPRESSION', 'brotli', /gzip, none/],
  ['OTEL_EXPORTER_OTLP_HEADERS', 'no equals sign', /key=value/],
  ['OTEL_EXPORTER_OTLP_TIMEOUT', 'soon', /integer/],
  ['OTEL_EXPORTER_OTLP_INSECURE', 'perhaps', /true or false/],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not-a-url', /http\(s\) URL/],
  ['OTEL_TRACES_SAMPLER', 'jaeger_remote', /always_on, always_off, traceidratio/],
  ['OTEL_TRACES_SAMPLER_ARG', '1.5', /number from 0 to 1/],
  ['OTEL_PROPAGATORS', 'xray', /tracecontext, baggage, b3, b3multi, none/],
])('%s=%j', (name, value, accepted) => {
  it('is reported once, names the variable and the accepted values, and the default is used', () => {
    const sink = new CaptureLogger();
    const logger = new SdkLogger('warn', sink);
    // With the collector on, so its variables are read.
    const base = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_METRICS_EXPORTER: 'otlp' };
    const env = { ...base, [name]: value };
    let config: ReturnType<typeof resolveConfig> | undefined;
    expect(() => {
      config = resolveConfig({}, env, logger);
      resolveConfig({}, env, logger);
    }).not.toThrow();
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]!.message).toContain(name);
    expect(sink.lines[0]!.message).toMatch(accepted);
    // The fallback is what the same environment gives without the bad variable.
    const withoutIt: Record<string, string> = { ...base };
    delete withoutIt[name];
    const defaults = resolveConfig({}, withoutIt, quiet);
    expect(interop(config!)).toEqual(interop(defaults));
  });
});

/** Every setting the interoperability variables decide. */
function interop(c: ReturnType<typeof resolveConfig>): Record<string, unknown> {
  return {
    sampling: c.sampling,
    propagators: c.propagators,
    collectorTraces: c.collectorTraces,
    collectorMetrics: c.collectorMetrics,
    consoleTraces: c.consoleTraces,
    consoleMetrics: c.consoleMetrics,
  };
}

describe('a list of exporters with an unknown name', () => {
  it('keeps the known names, reports the unknown one once', () => {
    const sink = new CaptureLogger();
    const env = { OTEL_TRACES_EXPORTER: 'otlp,zipkin,console' };
    const config = resolveConfig({}, env, new SdkLogger('warn', sink));
    expect(config.collectorTraces?.url).toBe('http://localhost:4318/v1/traces');
    expect(config.consoleTraces).toBe(true);
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]!.message).toContain('OTEL_TRACES_EXPORTER');
    expect(sink.lines[0]!.message).toContain('zipkin is not supported');
  });
});
