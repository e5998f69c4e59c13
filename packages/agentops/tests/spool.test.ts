/**
 * The spool's ownership rules, on one directory: a live spool's files are never taken by another
 * spool of the same process; a closed one's are; a dead process's are (also in the file names
 * of earlier versions); files written on another host are left alone and reported once.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SdkLogger, type Logger } from '../src/log';
import { Spool, type SpooledBatch } from '../src/export/spool';

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

// An empty ExportTraceServiceRequest is a valid body; the spool does not parse beyond counting spans.
const body = (): Uint8Array => new Uint8Array(0);

describe('spool ownership', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'agentops-spool-unit-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('never takes the files of a live spool of the same process; takes them once it is closed', async () => {
    const log = new SdkLogger('silent');
    const a = new Spool(root, 'collector', log);
    const batch: SpooledBatch = { body: body(), spans: 0 };
    a.persist(batch);
    await a.settle([batch]);
    expect(batch.file).toBeDefined();

    const b = new Spool(root, 'collector', log);
    expect(await b.recover()).toEqual([]);
    expect(readdirSync(a.dir)).toEqual([batch.file!.split('/').pop()]);

    a.close();
    const adopted = await b.recover();
    expect(adopted).toHaveLength(1);
    expect(adopted[0]!.file).not.toBe(batch.file);
    expect(readdirSync(b.dir)).toEqual([adopted[0]!.file!.split('/').pop()]);
    b.close();
  });

  it('adopts a dead process’s files, old names included, and leaves other hosts’ files alone', async () => {
    const sink = recorder();
    const spool = new Spool(root, 'collector', new SdkLogger('warn', sink));
    const dead = 2 ** 22 + 12_345; // above pid_max's default: no such process
    writeFileSync(join(spool.dir, `${dead}-1000-0.otlp`), body());
    writeFileSync(join(spool.dir, `${dead}-1001-1.otlp.tmp`), body());
    writeFileSync(join(spool.dir, `00000000_${process.pid}_0123456789ab-1002-0.otlp`), body());
    writeFileSync(join(spool.dir, `00000000_${dead}_0123456789ab-1003-0.otlp`), body());

    const adopted = await spool.recover();
    // Only the dead process's complete batch is taken, and renamed to this spool (whose host is not 00000000).
    expect(adopted).toHaveLength(1);
    const mine = adopted[0]!.file!.split('/').pop()!;
    expect(mine).toMatch(new RegExp(`^[0-9a-f]{8}_${process.pid}_[0-9a-f]{12}-1000-\\d+\\.otlp$`));
    expect(mine.startsWith('00000000_')).toBe(false);
    // The dead process's half-written batch is deleted; the other host's two files stay as they were.
    expect(readdirSync(spool.dir).sort()).toEqual([`00000000_${dead}_0123456789ab-1003-0.otlp`, `00000000_${process.pid}_0123456789ab-1002-0.otlp`, mine].sort());
    expect(sink.lines.filter((l) => l.includes('written on another host'))).toEqual([expect.stringContaining('2 batches written on another host')]);

    await spool.recover();
    expect(sink.lines.filter((l) => l.includes('written on another host'))).toHaveLength(1);
    spool.close();
  });
});
