/**
 * Durable mode: each batch a destination has not delivered yet is also a file in
 * `{spoolDir}/{destination}/`, so it survives a crash or a restart and the next process that starts
 * with the same directory sends it.
 *
 * - Files appear atomically (written to `*.tmp`, then renamed), so a crash mid-write leaves no half
 *   batch that would be sent; a leftover `.tmp` is deleted at recovery.
 * - A file is deleted only after its batch was delivered (or dropped, and counted). A batch is
 *   never both in memory and recovered from disk by the same process, and a live process's files
 *   are never taken by another one: files carry the writer's host, pid and a token of its spool,
 *   and only files of processes that are gone are adopted (by an atomic rename, so two starting
 *   processes cannot both take one). A file with this host and pid but a token no live spool of
 *   this process holds was left by an earlier process that had the same pid (an agent restarted as
 *   PID 1 in a container), or by a client of this process that was shut down: adopted. Whether a
 *   process on another host is alive cannot be known from here, so its files are left alone (and
 *   reported): a spool directory belongs to one host.
 * - Delivery is at least once for a batch whose request was on the wire when the process died: the
 *   sender cannot know whether it arrived. Backends that key spans by trace and span id (the local
 *   backend does) store it once.
 */
import { chmodSync, mkdirSync, promises as fsp, readdirSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { SdkLogger } from '../log';

export interface SpooledBatch {
  body: Uint8Array;
  spans: number;
  /** The file holding the batch, once it is written. */
  file?: string;
  /** Pending write; deletion waits for it. */
  writing?: Promise<void>;
}

// {host}_{pid}_{token}-{epoch ms}-{seq}.otlp, or {pid}-{epoch ms}-{seq}.otlp (written by earlier
// versions, on this host): 1 host, 2 pid, 3 token, 4 pid (old form), 5 ms, 6 seq, 7 .tmp
const FILE = /^(?:([0-9a-f]{8})_(\d+)_([0-9a-f]{12})|(\d+))-(\d+)-(\d+)\.otlp(\.tmp)?$/;

// The host in file names: 32 bits of the SHA-256 of its name, so no name needs escaping.
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

// Tokens of this process's spools that are open: their files are theirs, in memory, being sent.
const LIVE = new Set<string>();

export class Spool {
  readonly dir: string;
  private seq = 0;
  // Tells this spool's files from those of an earlier process that had the same pid, or of an
  // earlier client in this process that was shut down with batches undelivered.
  private readonly token = randomBytes(6).toString('hex');
  private readonly owner = `${HOST}_${process.pid}_${this.token}`;
  private foreignReported = false;
  private readonly removing = new Set<Promise<void>>();

  constructor(root: string, destination: string, private readonly logger: SdkLogger) {
    this.dir = join(root, destination.replace(/[^A-Za-z0-9_.-]/g, '_'));
    // Batches hold prompts and completions: only this user may read them, like the local backend's database.
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    try {
      chmodSync(this.dir, 0o700);
    } catch {
      // A folder this user does not own keeps its mode; the files below are still 0600.
    }
    LIVE.add(this.token);
  }

  /** The destination shut down: a later spool of this process may adopt what is left on disk. */
  close(): void {
    LIVE.delete(this.token);
  }

  /** Starts writing `batch` to disk; never throws, never blocks. */
  persist(batch: SpooledBatch): void {
    const name = `${this.owner}-${Date.now()}-${this.seq++}.otlp`;
    const file = join(this.dir, name);
    const tmp = `${file}.tmp`;
    batch.writing = fsp
      .writeFile(tmp, batch.body, { mode: 0o600 })
      .then(() => fsp.rename(tmp, file))
      .then(() => {
        batch.file = file;
      })
      .catch((err: unknown) => {
        this.logger.throttled(`spool-write:${this.dir}`, 60_000, 'error', `could not write a batch to the spool (${String(err)}); it stays in memory only`);
        void fsp.unlink(tmp).catch(() => undefined);
      });
  }

  /** Deletes the batch's file (after its write finished); never throws. */
  remove(batch: SpooledBatch): void {
    const done = async (): Promise<void> => {
      if (batch.file) {
        const f = batch.file;
        batch.file = undefined;
        await fsp.unlink(f).catch(() => undefined);
      }
    };
    const removal = (batch.writing ?? Promise.resolve()).then(done);
    this.removing.add(removal);
    void removal.finally(() => this.removing.delete(removal));
  }

  /** Settles when every file of a delivered batch is gone: a flush is not done while one is still on disk. */
  async removed(): Promise<void> {
    while (this.removing.size > 0) await Promise.all([...this.removing]);
  }

  /** Waits until every write started so far is on disk (or failed). */
  async settle(batches: Iterable<SpooledBatch>): Promise<void> {
    await Promise.all([...batches].map((b) => b.writing ?? Promise.resolve()));
  }

  /**
   * Batches left by processes that are gone, oldest first, adopted by this one. Their files keep
   * existing (now under this pid) until delivered.
   */
  async recover(): Promise<SpooledBatch[]> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const found: Array<{ at: number; seq: number; batch: SpooledBatch }> = [];
    let foreign = 0;
    for (const name of names) {
      const m = FILE.exec(name);
      if (!m) continue;
      if (m[1] !== undefined && m[1] !== HOST) {
        if (m[7] === undefined) foreign++;
        continue;
      }
      const pid = Number(m[2] ?? m[4]);
      const token = m[3];
      if (pid === process.pid) {
        // A live spool of this process (this one included) owns it; another token is of a process
        // that had this pid before (or a client shut down here): this one succeeds it.
        if (token !== undefined && LIVE.has(token)) continue;
      } else if (isAlive(pid)) {
        continue;
      }
      if (m[7] !== undefined) {
        // A half-written batch of a dead process was never durable: remove it.
        await fsp.unlink(join(this.dir, name)).catch(() => undefined);
        continue;
      }
      // Our pid, token and counter make the name unique (rename would silently replace an existing
      // file); the original time keeps the order if this process dies too.
      const adopted = join(this.dir, `${this.owner}-${m[5]}-${this.seq++}.otlp`);
      try {
        await fsp.rename(join(this.dir, name), adopted);
      } catch {
        continue; // another process adopted it first
      }
      try {
        const body = new Uint8Array(await fsp.readFile(adopted));
        found.push({ at: Number(m[5]), seq: Number(m[6]), batch: { body, spans: countSpans(body), file: adopted } });
      } catch (err) {
        this.logger.warn(`could not read spooled batch ${adopted}: ${String(err)}`);
      }
    }
    if (foreign > 0 && !this.foreignReported) {
      this.foreignReported = true;
      this.logger.warn(`spool ${this.dir}: ${foreign} batches written on another host are left alone (whether their process is alive cannot be known from here); give each host its own spool directory`);
    }
    found.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return found.map((f) => f.batch);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Number of spans in an encoded ExportTraceServiceRequest, read from the protobuf framing alone
 * (resource_spans=1 > scope_spans=2 > spans=2), so recovered batches are counted like fresh ones.
 */
export function countSpans(body: Uint8Array): number {
  let n = 0;
  forEachField(body, 0, body.length, (field, start, end) => {
    if (field !== 1) return;
    forEachField(body, start, end, (f2, s2, e2) => {
      if (f2 !== 2) return;
      forEachField(body, s2, e2, (f3) => {
        if (f3 === 2) n++;
      });
    });
  });
  return n;
}

/** Calls `fn` for each length-delimited field in [start, end); skips others. Stops at malformed input. */
function forEachField(b: Uint8Array, start: number, end: number, fn: (field: number, start: number, end: number) => void): void {
  let i = start;
  while (i < end) {
    const [key, afterKey] = varint(b, i);
    if (afterKey < 0) return;
    const field = key >>> 3;
    const wire = key & 7;
    i = afterKey;
    if (wire === 2) {
      const [len, afterLen] = varint(b, i);
      if (afterLen < 0 || afterLen + len > end) return;
      fn(field, afterLen, afterLen + len);
      i = afterLen + len;
    } else if (wire === 0) {
      const [, next] = varint(b, i);
      if (next < 0) return;
      i = next;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else return;
  }
}

function varint(b: Uint8Array, i: number): [number, number] {
  let result = 0;
  let shift = 0;
  while (i < b.length && shift < 35) {
    const byte = b[i++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, i];
    shift += 7;
  }
  return [0, -1];
}
