/**
 * Acceptance (the OpenTelemetry exporter variables in full): each per-signal variable
 * (`OTEL_EXPORTER_OTLP_{TRACES,METRICS}_{ENDPOINT,HEADERS,COMPRESSION,TIMEOUT,CERTIFICATE,
 * CLIENT_CERTIFICATE,CLIENT_KEY}`) wins over its generic form, checked on what receivers got:
 * traces and metrics at their own endpoints, with their own headers and compression, and over TLS
 * with a private CA and a client certificate (mutual TLS).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as agentops from '../src';
import { resolveConfig } from '../src/config';
import { SdkLogger } from '../src/log';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { recordSampleSession } from '../../../testing/workload';

const quiet = new SdkLogger('silent');
let restoreEnv: (() => void) | undefined;
afterEach(async () => {
  await agentops.shutdown(1000);
  restoreEnv?.();
  restoreEnv = undefined;
});

it('traces and metrics each go to their own endpoint, with their own headers and compression', async () => {
  const [generic, traces, metrics] = await Promise.all([OtlpReceiver.start(), OtlpReceiver.start(), OtlpReceiver.start()]);
  try {
    restoreEnv = setEnv({
      ...SDK_ENV_CLEAR,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: generic.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-signal=generic',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${traces.url}/tenant-a/v1/traces`,
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-signal=traces',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${metrics.url}/tenant-b/v1/metrics`,
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-signal=metrics',
    });
    agentops.init({ autoStartSession: false, logLevel: 'silent', logSessionUrl: false });
    const n = await recordSampleSession(agentops.startSession({ name: 'per signal' }));
    expect(await agentops.flush(5000)).toBe(true);
    expect(generic.requests).toEqual([]);
    expect(traces.requests.length).toBeGreaterThan(0);
    for (const r of traces.requests) {
      expect(r.path).toBe('/tenant-a/v1/traces');
      expect(r.headers['x-signal']).toBe('traces');
      expect(r.headers['content-encoding']).toBe('gzip');
    }
    expect(traces.spans()).toHaveLength(n);
    expect(metrics.requests.length).toBeGreaterThan(0);
    for (const r of metrics.requests) {
      expect(r.path).toBe('/tenant-b/v1/metrics');
      expect(r.headers['x-signal']).toBe('metrics');
      expect(r.headers['content-encoding']).toBeUndefined();
    }
    expect(metrics.metrics().some((m) => m.name === 'gen_ai.client.token.usage')).toBe(true);
  } finally {
    await Promise.all([generic.close(), traces.close(), metrics.close()]);
  }
});

it('OTEL_EXPORTER_OTLP_{TRACES,METRICS}_TIMEOUT win over OTEL_EXPORTER_OTLP_TIMEOUT', () => {
  const env = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TIMEOUT: '7000', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1500' };
  const c = resolveConfig({}, env, quiet);
  expect(c.collectorTraces?.timeoutMs).toBe(1500);
  expect(c.collectorMetrics?.timeoutMs).toBe(7000);
  const m = resolveConfig({}, { ...env, OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '2500' }, quiet);
  expect(m.collectorMetrics?.timeoutMs).toBe(2500);
});

describe('TLS with a private CA and a client certificate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentops-tls-'));
  const file = (name: string) => path.join(dir, name);
  beforeAll(() => {
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost\n');
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=test ca');
    for (const who of ['server', 'client']) {
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', '/CN=localhost');
      const ext = who === 'server' ? ['-extfile', 'san.ext'] : [];
      ssl('x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.pem`, '-days', '2', ...ext);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers over mutual TLS with the per-signal certificate variables, and not without them', async () => {
    const tls = { cert: readFileSync(file('server.pem')), key: readFileSync(file('server.key')), ca: readFileSync(file('ca.pem')) };
    const receiver = await OtlpReceiver.start({ tls });
    try {
      const base = { ...SDK_ENV_CLEAR, OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'none', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces` };
      restoreEnv = setEnv({
        ...base,
        OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: file('ca.pem'),
        OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: file('client.pem'),
        OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: file('client.key'),
      });
      agentops.init({ autoStartSession: false, logLevel: 'silent', logSessionUrl: false });
      const n = await recordSampleSession(agentops.startSession({ name: 'over tls' }));
      expect(await agentops.flush(5000)).toBe(true);
      expect(receiver.spans()).toHaveLength(n);
      await agentops.shutdown(1000);
      restoreEnv();

      // Without the CA (and the client certificate) the collector is not trusted: nothing arrives, the loss is counted.
      restoreEnv = setEnv(base);
      const client = agentops.init({ autoStartSession: false, logLevel: 'silent', logSessionUrl: false, delivery: { initialRetryDelayMs: 10, maxRetryDelayMs: 20 } });
      await recordSampleSession(agentops.startSession({ name: 'untrusted' }));
      await agentops.flush(2000);
      expect(receiver.spans()).toHaveLength(n);
      const collector = client.stats().destinations.collector!;
      expect(collector.lastError).toMatch(/certificate/i);
    } finally {
      await receiver.close();
    }
  });

  it('an unreadable certificate file is reported once, naming the variable', () => {
    const lines: string[] = [];
    const logger = new SdkLogger('warn', { debug: () => undefined, info: () => undefined, warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) });
    resolveConfig({}, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_CERTIFICATE: file('missing.pem') }, logger);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('OTEL_EXPORTER_OTLP_CERTIFICATE');
    expect(lines[0]).toContain('ENOENT');
  });
});
