/**
 * Acceptance (reliability): durable mode. A child process killed with SIGKILL while the destination
 * is down; a second process started with the same spoolDir delivers every span that was ended before
 * the kill, with no duplicates, and leaves the spool empty.
 */
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as agentops from '../src';
import { decodeTraceRequest } from '../../../testing/otlp-decode';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { closedPort, OtlpReceiver } from '../../../testing/otlp-receiver';

const root = join(__dirname, '..');
const agent = join(__dirname, 'fixtures', 'spool-agent.js');

function run(role: 'write' | 'deliver', endpoint: string, spoolDir: string) {
  const child = fork(agent, [role], {
    cwd: root,
    env: { ...process.env, ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: endpoint, AGENTOPS_SPOOL_DIR: spoolDir },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const message = new Promise<Record<string, unknown>>((resolve) => child.once('message', (m) => resolve(m as Record<string, unknown>)));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, message, exit };
}

describe('durable mode (spoolDir)', () => {
  let spoolDir: string;
  beforeEach(() => {
    spoolDir = mkdtempSync(join(tmpdir(), 'agentops-spool-'));
  });
  afterEach(() => {
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('survives SIGKILL: the next process delivers every ended span exactly once', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const writer = run('write', down, spoolDir);
    const { ended, traceId } = (await writer.message) as { ended: string[]; traceId: string };
    expect(ended).toHaveLength(600);
    writer.child.kill('SIGKILL');
    expect((await writer.exit).signal).toBe('SIGKILL');
    const spooled = readdirSync(join(spoolDir, 'collector'));
    expect(spooled.length).toBeGreaterThan(0);
    expect(spooled.every((f) => f.endsWith('.otlp'))).toBe(true);
    // A half-written batch of the dead process must be ignored, not sent.
    const owner = spooled[0]!.split('-')[0]!;
    expect(owner).toMatch(/^[0-9a-f]{8}_\d+_[0-9a-f]{12}$/);
    writeFileSync(join(spoolDir, 'collector', `${owner}-1-999.otlp.tmp`), Buffer.from([0x0a, 0xff]));

    const receiver = await OtlpReceiver.start();
    try {
      const deliverer = run('deliver', receiver.url, spoolDir);
      const result = (await deliverer.message) as { delivered: boolean; stats: { destinations: { collector: { spansRecovered: number; spansSent: number } } } };
      await deliverer.exit;
      expect(result.delivered).toBe(true);
      const mine = receiver.spans().filter((s) => s.traceId === traceId);
      expect(receiver.duplicates()).toEqual([]);
      expect(new Set(mine.map((s) => s.spanId))).toEqual(new Set(ended));
      expect(result.stats.destinations.collector.spansRecovered).toBe(600);
      expect(result.stats.destinations.collector.spansSent).toBe(600);
      expect(readdirSync(join(spoolDir, 'collector'))).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('a process restarted with the same pid (PID 1 in a container) adopts what its predecessor left', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const writer = run('write', down, spoolDir);
    const { ended, traceId } = (await writer.message) as { ended: string[]; traceId: string };
    writer.child.kill('SIGKILL');
    await writer.exit;
    // The predecessor had this process's pid: rename its files as it would have named them.
    const dir = join(spoolDir, 'collector');
    for (const f of readdirSync(dir)) renameSync(join(dir, f), join(dir, f.replace(/^([0-9a-f]{8})_\d+_/, `$1_${process.pid}_`)));
    expect(readdirSync(dir).every((f) => f.includes(`_${process.pid}_`))).toBe(true);

    const receiver = await OtlpReceiver.start();
    const restore = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url });
    try {
      const client = agentops.init({ autoStartSession: false, logLevel: 'silent', spoolDir });
      await expect(agentops.flush(10_000)).resolves.toBe(true);
      expect(client.stats().destinations.collector!.spansRecovered).toBe(600);
      expect(new Set(receiver.spans().filter((x) => x.traceId === traceId).map((x) => x.spanId))).toEqual(new Set(ended));
      expect(receiver.duplicates()).toEqual([]);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await agentops.shutdown(1000);
      restore();
      await receiver.close();
    }
  });

  it('keeps undelivered batches on disk at shutdown instead of dropping them', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const code = `
      const a = require('agentops');
      a.init({ autoStartSession: false, logLevel: 'silent', spoolDir: ${JSON.stringify(spoolDir)} });
      const s = a.startSession(); for (let i = 0; i < 10; i++) s.record(new a.ToolEvent({ name: 't' })); s.end();
      a.shutdown(1500).then(() => console.log(JSON.stringify(a.getClient() ? null : 'done')));`;
    const out = execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', env: { ...process.env, ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: down } });
    expect(out.trim()).toBe('"done"');
    expect(existsSync(join(spoolDir, 'collector'))).toBe(true);
    // Every span is on disk, whole: the session and its ten tool calls, each once.
    const files = readdirSync(join(spoolDir, 'collector')).filter((f) => f.endsWith('.otlp'));
    const spans = files.flatMap((f) => decodeTraceRequest(readFileSync(join(spoolDir, 'collector', f))));
    expect(spans.map((x) => x.name).sort()).toEqual([...Array(10).fill('execute_tool t'), 'session']);
    expect(new Set(spans.map((x) => x.spanId)).size).toBe(11);
  });

  it('counts a batch whose spool write failed as dropped at shutdown, not as kept on disk', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const restore = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: down });
    try {
      const client = agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, spoolDir, batch: { scheduledDelayMillis: 10 } });
      rmSync(spoolDir, { recursive: true, force: true }); // the disk goes away under the process
      const s = agentops.startSession();
      for (let i = 0; i < 5; i++) s.record(new agentops.ToolEvent({ name: 't' }));
      s.end();
      await agentops.shutdown(1000);
      const stats = client.stats().destinations.collector!;
      expect(stats.spansSpooled).toBe(0);
      expect(stats.spansDropped.shutdown_timeout).toBe(6);
      expect(stats.spansSent).toBe(0);
    } finally {
      await agentops.shutdown(100);
      restore();
    }
  });
});
