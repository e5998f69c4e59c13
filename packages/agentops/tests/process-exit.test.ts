/**
 * Acceptance (reliability): a child process that records a session and receives SIGTERM (or SIGINT)
 * mid-session delivers the session span (Indeterminate, reason = the signal) and every event before
 * it exits, and exits with the same signal status as without the SDK. A natural exit flushes too.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { closedPort, OtlpReceiver } from '../../../testing/otlp-receiver';

const root = join(__dirname, '..');
const agent = join(__dirname, 'fixtures', 'exit-agent.js');

function start(mode: string, receiver: OtlpReceiver | undefined, events = 5): { child: ChildProcess; ready: Promise<{ traceId?: string }>; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = fork(agent, [mode, String(events)], {
    cwd: root,
    env: { ...process.env, ...SDK_ENV_CLEAR, ...(receiver ? { OTLP_EXPORTER_ENDPOINT: receiver.url } : {}) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = new Promise<{ traceId?: string }>((resolve) => child.once('message', (m) => resolve(m as { traceId?: string })));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, ready, exit };
}

describe('process exit', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s: ends the session, delivers everything, and exits with that signal as it would without the SDK', async (signal) => {
    const baseline = start('plain', undefined);
    await baseline.ready;
    baseline.child.kill(signal);
    const plainExit = await baseline.exit;
    expect(plainExit).toEqual({ code: null, signal });

    const withSdk = start('sdk', receiver, 7);
    const { traceId } = await withSdk.ready;
    withSdk.child.kill(signal);
    expect(await withSdk.exit).toEqual(plainExit);

    const spans = receiver.spans().filter((s) => s.traceId === traceId);
    expect(spans).toHaveLength(8);
    const root = spans.find((s) => s.name === 'exit-test')!;
    expect(root.attributes['agentops.session.end_state']).toBe('Indeterminate');
    expect(root.attributes['agentops.session.end_reason']).toBe(signal);
    expect(root.status.code).toBe(0);
    expect(spans.filter((s) => s.parentSpanId === root.spanId)).toHaveLength(7);
  });

  it("leaves the decision to the application's own signal handler", async () => {
    const own = start('sdk-own-handler', receiver);
    await own.ready;
    own.child.kill('SIGTERM');
    expect(await own.exit).toEqual({ code: 3, signal: null });
    // Its handler gave the SDK 500 ms: the session was ended and flushed meanwhile.
    expect(receiver.spans().find((s) => s.name === 'exit-test')!.attributes['agentops.session.end_reason']).toBe('SIGTERM');
  });

  it('regression: code after `await shutdown()` runs even when the destination is down', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const code = `
      const a = require('agentops');
      a.init({ autoStartSession: false, logLevel: 'silent' });
      a.startSession().end();
      (async () => { const t = Date.now(); await a.shutdown(800); console.log('after shutdown', Date.now() - t < 2000); })();`;
    const out = execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', env: { ...process.env, ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: down } });
    expect(out.trim()).toBe('after shutdown true');
  });

  it('on a natural exit (beforeExit): ends the session as Indeterminate "exit" and flushes', async () => {
    const natural = start('natural', receiver, 3);
    const { traceId } = await natural.ready;
    expect(await natural.exit).toEqual({ code: 0, signal: null });
    const spans = receiver.spans().filter((s) => s.traceId === traceId);
    expect(spans).toHaveLength(4);
    expect(spans.find((s) => s.name === 'exit-test')!.attributes['agentops.session.end_reason']).toBe('exit');
  });
});
