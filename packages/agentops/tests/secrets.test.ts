/**
 * Acceptance (reliability): the API key and tokens never appear in a log line or an exported byte;
 * captured content goes through the built-in redactor and the user's mask, which fails closed.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as agentops from '../src';
import { Redactor } from '../src/serialize/redact';
import { CaptureLogger } from '../../../testing/capture-logger';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';

const API_KEY = 'ao-live-7f3c9e1d2b8a4f60';
const SECRETS = {
  openai: 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  anthropic: 'sk-ant-api03-ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl',
  awsId: 'AKIAIOSFODNN7EXAMPLE',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  privateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7Y\n-----END RSA PRIVATE KEY-----',
  google: 'AIzaSyA1B2C3D4E5F6G7H8I9J0K1L2M3N4O5P6Q',
  github: 'ghp_0123456789abcdefghijABCDEFGHIJ012345',
};

describe('secrets never leave the process', () => {
  let vendor: OtlpReceiver;
  let collector: OtlpReceiver;
  let restoreEnv: () => void;
  beforeEach(async () => {
    vendor = await OtlpReceiver.start({ vendor: { apiKey: API_KEY, token: (n) => `tok-${n}-SECRETTOKENVALUE` } });
    collector = await OtlpReceiver.start();
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: collector.url });
  });
  afterEach(async () => {
    await agentops.shutdown(1000);
    restoreEnv();
    await Promise.all([vendor.close(), collector.close()]);
  });

  it('redacts keys in content and exceptions, and no log line or exported byte holds the API key or a token', async () => {
    const logger = new CaptureLogger();
    agentops.init({ apiKey: API_KEY, apiEndpoint: vendor.url, exporterEndpoint: `${vendor.url}/v1/traces`, autoStartSession: false, logger, logLevel: 'debug' });
    const s = agentops.startSession();
    s.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: `my key is ${API_KEY} and openai ${SECRETS.openai}`, completion: `use ${SECRETS.anthropic}` }));
    s.record(new agentops.ToolEvent({ name: 'http', params: { headers: { Authorization: `Bearer ${SECRETS.bearer}` }, aws: `aws_secret_access_key=${SECRETS.awsSecret}`, id: SECRETS.awsId }, returns: SECRETS.privateKey }));
    s.record(new agentops.ActionEvent({ actionType: 'deploy', params: [SECRETS.google, SECRETS.github] }));
    s.record(new agentops.ToolEvent({ name: 'fails', error: new Error(`request with ${SECRETS.openai} failed`) }));
    s.end();
    expect(await agentops.flush(5000)).toBe(true);

    const exported = [...vendor.requests, ...collector.requests].filter((r) => r.path.startsWith('/v1/'));
    expect(exported.length).toBeGreaterThan(2);
    const everything = [...exported.map((r) => r.body), Buffer.from(logger.text())];
    for (const secret of [API_KEY, ...Object.values(SECRETS), 'SECRETTOKENVALUE']) {
      for (const bytes of everything) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    // Nor any request header: the key goes only in the auth exchange's body, the token only to the vendor.
    const headersOf = (rs: typeof exported): string => JSON.stringify(rs.map((r) => r.headers));
    expect(headersOf(exported)).not.toContain(API_KEY);
    expect(headersOf(collector.requests)).not.toContain('SECRETTOKENVALUE');
    expect(headersOf(vendor.requests.filter((r) => r.path.startsWith('/v1/')))).toContain('SECRETTOKENVALUE');
    // What replaced them says what it was.
    const spans = collector.spans();
    expect(spans.find((x) => x.name === 'chat gpt-4o')!.attributes['gen_ai.input.messages']).toContain('<redacted:agentops-api-key>');
    expect(spans.find((x) => x.name === 'chat gpt-4o')!.attributes['gen_ai.input.messages']).toContain('<redacted:openai-key>');
    const http = spans.find((x) => x.name === 'execute_tool http')!;
    expect(http.attributes['gen_ai.tool.call.arguments']).toContain('Bearer <redacted:bearer-token>');
    expect(http.attributes['gen_ai.tool.call.arguments']).toContain('<redacted:aws-secret-access-key>');
    expect(http.attributes['gen_ai.tool.call.result']).toBe('<redacted:private-key>');
    expect(spans.find((x) => x.name === 'execute_tool fails')!.events[0]!.attributes['exception.message']).toBe('request with <redacted:openai-key> failed');
    // The resource carries nothing secret either (checked above byte-wise); the key was sent only to the auth endpoint.
    expect(vendor.authRequests).toHaveLength(1);
  });

  it.each([
    ['accepted', 200],
    ['rejected', 401],
  ])('nothing a process prints holds the key, a token or a secret (key %s): debug logs on stderr, a console exporter on stdout', async (_label, authStatus) => {
    const stub = await OtlpReceiver.start({ vendor: { apiKey: API_KEY, authStatus, token: (n) => `tok-${n}-SECRETTOKENVALUE` } });
    const script = `
      const a = require('agentops');
      const { ConsoleSpanExporter } = require('@opentelemetry/sdk-trace');
      const e = process.env;
      a.init({ apiKey: e.KEY, apiEndpoint: e.VENDOR, exporterEndpoint: e.VENDOR + '/v1/traces', autoStartSession: false, logLevel: 'debug', exporters: [new ConsoleSpanExporter()] });
      const s = a.startSession();
      s.record(new a.LLMEvent({ model: 'gpt-4o', prompt: 'my key ' + e.KEY + ' and ' + e.S_OPENAI, completion: e.S_BEARER }));
      s.record(new a.ToolEvent({ name: 'fails', params: { aws: e.S_AWS }, error: new Error('request with ' + e.S_GITHUB + ' failed') }));
      a.logger.info('deploying with ' + e.S_GOOGLE);
      s.end();
      a.shutdown(3000);`;
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script], {
        cwd: join(__dirname, '..'),
        env: { ...process.env, ...SDK_ENV_CLEAR, NODE_OPTIONS: '', KEY: API_KEY, VENDOR: stub.url, S_OPENAI: SECRETS.openai, S_BEARER: `Bearer ${SECRETS.bearer}`, S_AWS: SECRETS.awsId, S_GITHUB: SECRETS.github, S_GOOGLE: SECRETS.google },
      });
      // Both outputs were produced: the console exporter's spans, and the debug log lines.
      expect(stdout).toContain('chat gpt-4o');
      expect(stderr).toContain(authStatus === 200 ? 'authenticated' : 'was rejected');
      for (const secret of [API_KEY, SECRETS.openai, SECRETS.bearer, SECRETS.awsId, SECRETS.github, SECRETS.google, 'SECRETTOKENVALUE']) {
        expect(stdout).not.toContain(secret);
        expect(stderr).not.toContain(secret);
      }
    } finally {
      await stub.close();
    }
  });

  it("applies the user's mask after redaction, and fails closed when it throws", async () => {
    const seen: Array<[string, string]> = [];
    agentops.init({
      autoStartSession: false,
      logLevel: 'silent',
      mask: (value, key) => {
        seen.push([key, value]);
        if (key === 'gen_ai.tool.call.result') throw new Error('mask bug');
        return value.replace(/\d{3}-\d{2}-\d{4}/g, '<ssn>');
      },
    });
    const s = agentops.startSession();
    s.record(new agentops.ToolEvent({ name: 'lookup', params: { ssn: '123-45-6789', key: SECRETS.openai }, returns: 'secret result' }));
    s.end();
    await agentops.flush(2000);
    const tool = collector.spans().find((x) => x.name === 'execute_tool lookup')!;
    expect(tool.attributes['gen_ai.tool.call.arguments']).toBe('{"ssn":"<ssn>","key":"<redacted:openai-key>"}');
    expect(tool.attributes['gen_ai.tool.call.result']).toBe('<masked: mask failed>');
    // The mask saw the value already redacted.
    expect(seen.find(([k]) => k === 'gen_ai.tool.call.arguments')![1]).not.toContain(SECRETS.openai);
  });

  it('leaves ordinary text alone', () => {
    const r = new Redactor(['ao-live-7f3c9e1d2b8a4f60']);
    for (const text of ['The sky is blue.', 'task-skipped: nothing to do', 'ask-me-anything', 'bearer of bad news', 'AKIA is a word']) {
      expect(r.redact(text)).toBe(text);
    }
  });
});
