/**
 * Configuration: each invalid init() option throws AgentOpsConfigError naming the option, the bad
 * value's type and what is accepted; a bad environment value is reported once and the default used;
 * precedence is options > AGENTOPS_* > OTEL_* > defaults.
 */
import * as agentops from '../src';
import { AgentOpsConfigError } from '../src';
import { resolveConfig, resolveLogger } from '../src/config';
import { signalUrl } from '../src/otlp-env';
import { SdkLogger } from '../src/log';
import { CaptureLogger } from '../../../testing/capture-logger';
import { configError } from './helpers/config-error';

const quiet = new SdkLogger('silent');


describe('init() options', () => {
  it.each([
    [{ apiKey: 42 }, 'apiKey', /non-empty string; got number 42/],
    [{ apiKey: '' }, 'apiKey', /non-empty string/],
    [{ apiEndpoint: 'not a url' }, 'apiEndpoint', /absolute http\(s\) URL; got string "not a url"/],
    [{ apiEndpoint: 'ftp://example.com' }, 'apiEndpoint', /absolute http\(s\) URL/],
    [{ exporterEndpoint: 'http://collector.example.com/v1/traces' }, 'exporterEndpoint', /https:\/\/ URL .*insecure/],
    [{ exporters: {} }, 'exporters', /array of SpanExporter objects \(or "console", "otlp"\); got object/],
    [{ exporters: [{ export: 1 }] }, 'exporters[0]', /SpanExporter/],
    [{ captureContent: 'yes' }, 'captureContent', /a boolean; got string "yes"/],
    [{ enabled: 1 }, 'enabled', /a boolean; got number 1/],
    [{ logSessionUrl: null }, 'logSessionUrl', /a boolean; got null/],
    [{ autoStartSession: 'false' }, 'autoStartSession', /a boolean/],
    [{ defaultTags: 'a,b' }, 'defaultTags', /array of strings; got string/],
    [{ defaultTags: ['a', 1] }, 'defaultTags', /array of strings/],
    [{ resourceAttributes: { k: { nested: true } } }, 'resourceAttributes.k', /string, number, boolean/],
    [{ spanLimits: { attributeValueLengthLimit: -1 } }, 'spanLimits.attributeValueLengthLimit', /integer >= 32; got number -1/],
    [{ spanLimits: { attributeValueLengthLimit: 1.5 } }, 'spanLimits.attributeValueLengthLimit', /integer/],
    [{ spanLimits: { maxLength: 3 } }, 'spanLimits.maxLength', /one of spanLimits\.attributeValueLengthLimit/],
    [{ batch: { maxQueueSize: 0 } }, 'batch.maxQueueSize', /integer >= 1; got number 0/],
    [{ batch: { maxQueueSize: 10, maxExportBatchSize: 20 } }, 'batch.maxExportBatchSize', /<= batch.maxQueueSize \(10\)/],
    [{ batch: { scheduledDelayMillis: '5' } }, 'batch.scheduledDelayMillis', /integer >= 0; got string "5"/],
    [{ delivery: { maxBufferBytes: 10 } }, 'delivery.maxBufferBytes', /integer >= 1024/],
    [{ logLevel: 'verbose' }, 'logLevel', /one of debug, info, warn, error, silent; got string "verbose"/],
    [{ serviceName: '' }, 'serviceName', /non-empty string/],
    [{ unknownOption: true }, 'unknownOption', /documented options/],
    [[1, 2], 'options', /an object; got array/],
  ])('%j throws for %s', (options, option, message) => {
    const err = configError(options);
    expect(err).toBeInstanceOf(agentops.AgentOpsError);
    expect(err.code).toBe('AGENTOPS_INVALID_OPTION');
    expect(err.option).toBe(option);
    expect(err.message).toContain(`"${option}"`);
    expect(err.message).toMatch(message);
  });

  it('rejects a bad logger and a bad logLevel through init() itself', () => {
    expect(() => agentops.init({ logger: { warn() {} } as unknown as agentops.Logger })).toThrow(/option "logger"/);
    expect(() => agentops.init({ logLevel: 'loud' as agentops.LogLevel })).toThrow(AgentOpsConfigError);
    expect(agentops.getClient()).toBeUndefined();
  });

  it('never echoes a malformed API key', () => {
    const err = configError({ apiKey: '   ' });
    expect(err.message).not.toMatch(/got string "/);
  });

  it('allows plain http to loopback, and off loopback only with insecure', () => {
    expect(resolveConfig({ exporterEndpoint: 'http://localhost:4318/v1/traces' }, {}, quiet).exporterEndpoint).toBe('http://localhost:4318/v1/traces');
    expect(resolveConfig({ exporterEndpoint: 'http://127.0.0.2:4318/v1/traces/' }, {}, quiet).exporterEndpoint).toBe('http://127.0.0.2:4318/v1/traces');
    expect(resolveConfig({ exporterEndpoint: 'http://[::1]:4318/v1/traces' }, {}, quiet).exporterEndpoint).toBe('http://[::1]:4318/v1/traces');
    expect(resolveConfig({ exporterEndpoint: 'http://otel.internal/v1/traces', insecure: true }, {}, quiet).exporterEndpoint).toBe('http://otel.internal/v1/traces');
    expect(resolveConfig({ exporterEndpoint: 'http://otel.internal/v1/traces' }, { OTEL_EXPORTER_OTLP_INSECURE: 'true' }, quiet).exporterEndpoint).toBe('http://otel.internal/v1/traces');
  });
});

describe('environment', () => {
  it('uses AGENTOPS_* and OTLP_EXPORTER_ENDPOINT, with options taking precedence', () => {
    const env = {
      AGENTOPS_API_KEY: 'env-key',
      AGENTOPS_API_ENDPOINT: 'https://api.example.com/',
      AGENTOPS_EXPORTER_ENDPOINT: 'https://otlp.example.com/v1/traces',
      AGENTOPS_APP_URL: 'https://app.example.com',
      OTLP_EXPORTER_ENDPOINT: 'http://localhost:4318',
      AGENTOPS_ENVIRONMENT: 'staging',
    };
    const c = resolveConfig({}, env, quiet);
    expect(c.apiKey).toBe('env-key');
    expect(c.apiEndpoint).toBe('https://api.example.com');
    expect(c.exporterEndpoint).toBe('https://otlp.example.com/v1/traces');
    expect(c.vendorMetricsEndpoint).toBe('https://otlp.example.com/v1/metrics');
    expect(c.appUrl).toBe('https://app.example.com');
    expect(c.collectorTraces?.url).toBe('http://localhost:4318/v1/traces');
    expect(c.collectorMetrics?.url).toBe('http://localhost:4318/v1/metrics');
    expect(c.collectorTraces?.protocol).toBe('http/protobuf');
    expect(c.environment).toBe('staging');
    expect(Object.isFrozen(c)).toBe(true);
    const o = resolveConfig({ apiKey: 'opt-key', environment: 'prod' }, env, quiet);
    expect(o.apiKey).toBe('opt-key');
    expect(o.environment).toBe('prod');
  });

  it('keeps a full signal URL in OTLP_EXPORTER_ENDPOINT as it is', () => {
    expect(signalUrl('http://localhost:4318/v1/traces', 'traces')).toBe('http://localhost:4318/v1/traces');
    expect(signalUrl('http://localhost:4318/v1/traces', 'metrics')).toBe('http://localhost:4318/v1/metrics');
    expect(signalUrl('http://localhost:4318/otlp', 'traces')).toBe('http://localhost:4318/otlp/v1/traces');
  });

  it('AGENTOPS_* wins over OTEL_*, which wins over defaults', () => {
    expect(resolveConfig({}, { OTEL_SDK_DISABLED: 'true' }, quiet).enabled).toBe(false);
    expect(resolveConfig({}, { OTEL_SDK_DISABLED: 'true', AGENTOPS_ENABLED: 'true' }, quiet).enabled).toBe(true);
    expect(resolveConfig({ enabled: true }, { AGENTOPS_ENABLED: 'false' }, quiet).enabled).toBe(true);
    expect(resolveConfig({}, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' }, quiet).captureContent).toBe(false);
    expect(resolveConfig({}, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false', AGENTOPS_CAPTURE_CONTENT: 'true' }, quiet).captureContent).toBe(true);
    expect(resolveConfig({}, {}, quiet).captureContent).toBe(true);
    expect(resolveConfig({}, { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '500' }, quiet).spanLimits.attributeValueLengthLimit).toBe(500);
    expect(resolveConfig({}, { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '500', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '700' }, quiet).spanLimits.attributeValueLengthLimit).toBe(700);
    expect(resolveConfig({}, {}, quiet).spanLimits.attributeValueLengthLimit).toBe(131072);
    expect(resolveConfig({}, { OTEL_BSP_SCHEDULE_DELAY: '250' }, quiet).batch.scheduledDelayMillis).toBe(250);
    expect(resolveConfig({ apiKey: 'k' }, {}, quiet).batch.scheduledDelayMillis).toBe(1000);
    expect(resolveConfig({}, {}, quiet).batch.scheduledDelayMillis).toBe(5000);
  });

  it.each([
    ['AGENTOPS_ENABLED', 'maybe'],
    ['OTEL_SDK_DISABLED', 'yes please'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', '1e3'],
    ['OTEL_BSP_SCHEDULE_DELAY', '-5'],
    ['OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'lots'],
    ['AGENTOPS_CAPTURE_CONTENT', 'sometimes'],
    ['OTLP_EXPORTER_ENDPOINT', 'http://collector.example.com:4318'],
    ['AGENTOPS_EXPORTER_ENDPOINT', '::nope::'],
    ['OTEL_RESOURCE_ATTRIBUTES', '=novalue,good=1'],
  ])('reports a bad %s=%j once, names it, and falls back', (name, value) => {
    const logger = new CaptureLogger();
    const sdk = new SdkLogger('warn', logger);
    const base = resolveConfig({}, {}, quiet);
    const c1 = resolveConfig({}, { [name]: value }, sdk);
    resolveConfig({}, { [name]: value }, sdk);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.level).toBe('warn');
    expect(logger.lines[0]!.message).toContain(name);
    expect(logger.lines[0]!.message).toContain('accepted');
    expect(c1.enabled).toBe(base.enabled);
    expect(c1.batch).toEqual(base.batch);
    expect(c1.spanLimits).toEqual(base.spanLimits);
    expect(c1.captureContent).toBe(base.captureContent);
    expect(c1.collectorTraces).toEqual(base.collectorTraces);
    expect(c1.exporterEndpoint).toBe(base.exporterEndpoint);
    // For the resource list, falling back means keeping the good pairs and skipping the bad one.
    expect(c1.envResourceAttributes).toEqual(name === 'OTEL_RESOURCE_ATTRIBUTES' ? { good: '1' } : base.envResourceAttributes);
  });

  it('reads AGENTOPS_LOG_LEVEL, and reports a bad one once', () => {
    const sink = new CaptureLogger();
    const l = resolveLogger({ logger: sink }, { AGENTOPS_LOG_LEVEL: 'debug' });
    expect(l.enabled('debug')).toBe(true);
    const bad = new CaptureLogger();
    const l2 = resolveLogger({ logger: bad }, { AGENTOPS_LOG_LEVEL: 'chatty' });
    expect(l2.enabled('debug')).toBe(false);
    expect(l2.enabled('warn')).toBe(true);
    expect(bad.lines).toHaveLength(1);
    expect(bad.lines[0]!.message).toContain('AGENTOPS_LOG_LEVEL');
  });

  it('parses OTEL_RESOURCE_ATTRIBUTES with percent-encoding', () => {
    const c = resolveConfig({}, { OTEL_RESOURCE_ATTRIBUTES: 'team=agents,note=a%20b%2Cc' }, quiet);
    expect(c.envResourceAttributes).toEqual({ team: 'agents', note: 'a b,c' });
  });
});
