/**
 * Acceptance (hardening, SDK side), each against a loopback receiver decoding the real OTLP:
 * - big batches go as requests under the byte budget, so a collector that refuses big bodies (413)
 *   still gets every span; a single span above the budget arrives cut and marked, not dropped;
 * - a 40 MB span name is cut to the attribute length limit and takes no other span with it;
 * - the API key never leaves the process: not in tags, end reasons, status messages, span names,
 *   custom attributes or log lines, nor in what forwardLogs receives;
 * - hostile values (a `then` getter that throws, Proxies whose getters throw, a revoked Proxy) never
 *   throw into the caller, and results reach it unchanged;
 * - the spool is readable by this user only (0700 / 0600);
 * - metric destinations count data points under their own names.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as agentops from '../src';
import { closedPort, OtlpReceiver } from '../../../testing/otlp-receiver';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { CaptureLogger } from '../../../testing/capture-logger';

const KEY = 'ak-hardening-0123456789abcdef';
const MiB = 1024 * 1024;

describe('SDK hardening', () => {
  let receiver: OtlpReceiver;
  let restoreEnv: () => void;

  beforeEach(async () => {
    // Like a collector or backend with a body limit: bigger requests get 413.
    receiver = await OtlpReceiver.start({ reply: (req) => (Number(req.headers['content-length'] ?? 0) > 8 * MiB ? { status: 413, body: 'too large' } : undefined) });
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url });
  });

  afterEach(async () => {
    await agentops.shutdown(5000);
    restoreEnv();
    await receiver.close();
  });

  const traceBodies = (): number[] => receiver.requests.filter((r) => r.path.endsWith('/v1/traces')).map((r) => r.body.length);

  it('200 LLM calls of 200 KB of content each: every span arrives, in requests under 4 MiB', async () => {
    const client = agentops.init({ autoStartSession: false, logLevel: 'silent', spanLimits: { attributeValueLengthLimit: 300_000 }, batch: { maxExportBatchSize: 512, scheduledDelayMillis: 60_000 } });
    const session = agentops.startSession({ name: 'big' });
    const prompt = 'x'.repeat(100_000);
    for (let i = 0; i < 200; i++) session.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: `${i} ${prompt}`, completion: prompt }));
    session.end();
    expect(await agentops.flush(20_000)).toBe(true);
    expect(receiver.spans().filter((s) => s.traceId === session.traceId)).toHaveLength(201);
    const bodies = traceBodies();
    expect(bodies.length).toBeGreaterThan(5);
    for (const b of bodies) expect(b).toBeLessThanOrEqual(4 * MiB);
    expect(Object.values(client.stats().destinations.collector!.spansDropped).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('a single span above the budget arrives with its largest values cut, marked, not dropped', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent', delivery: { maxRequestBytes: 65_536 } });
    const session = agentops.startSession();
    session.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: 'p'.repeat(120_000), completion: 'c'.repeat(20_000), promptTokens: 3 }));
    session.record(new agentops.ToolEvent({ name: 'small' }));
    session.end();
    expect(await agentops.flush(10_000)).toBe(true);
    const spans = receiver.spans().filter((s) => s.traceId === session.traceId);
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o', 'execute_tool small', 'session']);
    const big = spans.find((s) => s.name === 'chat gpt-4o')!;
    expect(big.attributes['agentops.span.truncated']).toBe(true);
    expect(big.attributes['gen_ai.usage.input_tokens']).toBe(3);
    expect(String(big.attributes['gen_ai.input.messages'])).toMatch(/\[truncated \d+ chars\]/);
    for (const b of traceBodies()) expect(b).toBeLessThanOrEqual(65_536);
  });

  it('a 40 MB span name is cut to the attribute length limit and takes no other span with it', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent' });
    const others = [agentops.startSession({ name: 'a' }), agentops.startSession({ name: 'b' })];
    for (const s of others) for (let i = 0; i < 50; i++) s.record(new agentops.ToolEvent({ name: `t${i}` }));
    const huge = agentops.startSession({ name: 'huge' });
    huge.record(new agentops.ToolEvent({ name: 'n'.repeat(40 * MiB) }));
    for (const s of [...others, huge]) s.end();
    expect(await agentops.flush(20_000)).toBe(true);
    for (const s of others) expect(receiver.spans().filter((x) => x.traceId === s.traceId)).toHaveLength(51);
    const named = receiver.spans().find((x) => x.traceId === huge.traceId && x.name.startsWith('execute_tool n'))!;
    expect(named.name.length).toBeLessThanOrEqual(131_072);
    expect(named.name).toMatch(/\[truncated \d+ chars\]$/);
  });

  it('the API key never leaves the process: tags, end reason, status, span name, attributes, log lines, forwarded logs', async () => {
    const forwarded: string[] = [];
    const sink = (m: string, a?: Record<string, unknown>): void => void forwarded.push(`${m} ${JSON.stringify(a)}`);
    const vendor = await OtlpReceiver.start({ vendor: { apiKey: KEY } });
    agentops.init({ apiKey: KEY, apiEndpoint: vendor.url, exporterEndpoint: `${vendor.url}/v1/traces`, autoStartSession: false, logLevel: 'silent', captureContent: false, forwardLogs: { debug: sink, info: sink, warn: sink, error: sink } });
    const session = agentops.startSession({ name: `named ${KEY}`, tags: [`tag-${KEY}`], attributes: { note: `see ${KEY}` } });
    await session.run(async () => {
      agentops.logger.warn(`logging ${KEY}`, { detail: `detail ${KEY}` });
      await agentops.traceTool(`tool ${KEY}`, () => 1)();
      session.addTags([`later ${KEY}`]);
    });
    session.end('Fail', `failed because ${KEY}`);
    expect(await agentops.flush(5000)).toBe(true);
    await agentops.shutdown(2000);
    await vendor.close();
    // The vendor got the same spans, with the same cleaned strings.
    expect(JSON.stringify(vendor.spans())).not.toContain(KEY);
    expect(vendor.spans()).toHaveLength(2);
    const spans = receiver.spans().filter((s) => s.traceId === session.traceId);
    expect(spans.map((s) => s.name).sort()).toEqual(['execute_tool tool <redacted:agentops-api-key>', 'named <redacted:agentops-api-key>']);
    const text = JSON.stringify(spans);
    expect(text).not.toContain(KEY);
    expect(text).toContain('failed because <redacted:agentops-api-key>');
    expect(forwarded.join('\n')).not.toContain(KEY);
    expect(forwarded.join('\n')).toContain('logging <redacted:agentops-api-key>');
  });

  it('hostile values never throw into the caller, and results reach it unchanged', () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent' });
    const throwing = new Proxy({}, { get: () => { throw new Error('getter'); } }); // prettier-ignore
    const { proxy: revoked, revoke } = Proxy.revocable([] as string[], {});
    revoke();
    const badThen = { get then(): never { throw new Error('then'); } }; // prettier-ignore
    const session = agentops.startSession(throwing as agentops.SessionOptions);
    expect(() => agentops.startSession({ tags: revoked })).not.toThrow();
    expect(() => new agentops.LLMEvent(throwing as agentops.LLMEventInit)).not.toThrow();
    expect(() => new agentops.ToolEvent(throwing as agentops.ToolEventInit)).not.toThrow();
    expect(() => session.addTags(revoked)).not.toThrow();
    expect(session.trace(new agentops.ToolEvent({ name: 'x' }), () => badThen)).toBe(badThen);
    expect(agentops.traceTool('y', () => badThen)()).toBe(badThen);
  });

  it('the spool folder is 0700 and its files 0600', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'agentops-spool-mode-'));
    try {
      restoreEnv();
      restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: `http://127.0.0.1:${await closedPort()}` });
      agentops.init({ autoStartSession: false, logLevel: 'silent', spoolDir, delivery: { initialRetryDelayMs: 50_000 } });
      const s = agentops.startSession();
      s.record(new agentops.ToolEvent({ name: 'secret-ish' }));
      s.end();
      await agentops.shutdown(2000);
      const dir = join(spoolDir, 'collector');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      const files = readdirSync(dir);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });

  it('metric destinations count data points, and say so when they drop them', async () => {
    const logger = new CaptureLogger();
    restoreEnv();
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: `http://127.0.0.1:${await closedPort()}` });
    const client = agentops.init({ autoStartSession: false, logger, delivery: { initialRetryDelayMs: 10, maxRetryDelayMs: 20, maxBufferBytes: 1024 } });
    client.meter.recordCounter('probe', 1);
    await agentops.shutdown(500);
    const m = client.stats().metrics.collector!;
    expect(Object.keys(m).sort()).toEqual(['bytesQueued', 'failedRequests', 'lastError', 'name', 'pointsDropped', 'pointsQueued', 'pointsRetried', 'pointsSent', 'requests']);
    expect(Object.values(m.pointsDropped).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(logger.matching(/destination collector dropped metric data points/).length).toBeGreaterThan(0);
    expect(logger.matching(/destination collector dropped spans/)).toHaveLength(0);
  });
});
