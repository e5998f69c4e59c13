/**
 * Batches writes into SQLite transactions, run on a worker thread (write-worker.js) so that
 * decoding requests and storing them use two cores. Requests enqueue their decoded rows and wait
 * until a transaction holding them commits, so a 200 means stored. Whatever arrives while one
 * transaction runs goes into the next (group commit), which is what makes SQLite fast here. The
 * queue is bounded in rows; when it is full the caller answers 429 with Retry-After instead of
 * buffering without limit. SQLITE_BUSY (another process holds the write lock) keeps the rows
 * queued and retries later rather than blocking.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { JOURNAL_SIZE_LIMIT } from './checkpointer';
import type { WriteBatch } from './storage-rows';

interface Pending {
  batch: WriteBatch;
  size: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

type WorkerReply = { id: number; result: 'ok'; ms: number } | { id: number; result: 'busy' } | { id: number; result: 'error'; message: string };

const RETRY_BUSY_MS = 50;
// Rows per transaction: bounds how long one commit keeps the rows behind it waiting.
const MAX_ROWS_PER_TRANSACTION = 20_000;

export class WriteQueue {
  private pending: Pending[] = [];
  private queued = 0;
  private inFlight: { id: number; take: Pending[]; rows: number } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private closed = false;
  private dead = false;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private drained: (() => void) | undefined;
  /** Transactions committed, and retries of a busy database, for diagnostics. */
  commits = 0;
  busyRetries = 0;
  /** Milliseconds from handing a transaction to the write thread to handling its answer. */
  txMs = 0;
  /** Milliseconds the write thread spent running transactions that committed. */
  commitMs = 0;
  private txStart = 0;

  constructor(
    file: string,
    readonly maxQueuedRows: number,
    private readonly log: (line: string) => void,
  ) {
    this.worker = new Worker(path.join(__dirname, 'write-worker.js'), { workerData: { file, journalSizeLimit: JOURNAL_SIZE_LIMIT } });
    this.worker.on('message', (m: WorkerReply) => this.settle(m));
    this.worker.on('error', (err) => this.log(`the write thread failed: ${err.message}`));
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    void this.exited.then(() => {
      this.dead = true;
      this.failAll(new Error('the write thread stopped'));
    });
  }

  /** Rows waiting to be written, including those of the transaction in progress. */
  get size(): number {
    return this.queued;
  }

  /** Whether `rows` more would pass the bound (a request is always let in when the queue is empty). */
  wouldOverflow(rows: number): boolean {
    return this.queued > 0 && this.queued + rows > this.maxQueuedRows;
  }

  /** Resolves once the batch is committed; rejects when the write fails for a reason other than a busy lock. */
  enqueue(batch: WriteBatch): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the server is shutting down'));
    if (this.dead) return Promise.reject(new Error('the write thread stopped'));
    const size = batch.spans.length + batch.metrics.reduce((n, m) => n + m.points.length, 0);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ batch, size, resolve, reject });
      this.queued += size;
      this.pump();
    });
  }

  /** Writes what is queued (retrying a busy database until `deadlineMs`), then stops the write thread. */
  async close(deadlineMs = 5000): Promise<void> {
    this.closed = true;
    if (this.pending.length > 0 || this.inFlight) {
      const drained = new Promise<void>((resolve) => (this.drained = resolve));
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
      await Promise.race([drained, timeout]);
    }
    clearTimeout(this.retryTimer);
    this.worker.postMessage('close');
    await this.exited;
  }

  /** Starts the next transaction when none is running. */
  private pump(): void {
    if (this.inFlight || this.retryTimer || this.pending.length === 0) return;
    let rows = 0;
    let n = 0;
    while (n < this.pending.length && (n === 0 || rows + this.pending[n]!.size <= MAX_ROWS_PER_TRANSACTION)) rows += this.pending[n++]!.size;
    const take = this.pending.splice(0, n);
    const id = this.nextId++;
    this.inFlight = { id, take, rows };
    this.txStart = performance.now();
    this.worker.postMessage({ id, batches: take.map((p) => p.batch) });
  }

  private settle(m: WorkerReply): void {
    const f = this.inFlight;
    if (f === undefined || f.id !== m.id) return;
    this.inFlight = undefined;
    this.txMs += performance.now() - this.txStart;
    if (m.result === 'busy') {
      // Back to the front of the queue, in order; try again shortly.
      this.pending.unshift(...f.take);
      this.busyRetries++;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.pump();
      }, RETRY_BUSY_MS);
      return;
    }
    this.queued -= f.rows;
    if (m.result === 'ok') {
      this.commits++;
      this.commitMs += m.ms;
      for (const p of f.take) p.resolve();
    } else {
      const err = new Error(m.message);
      for (const p of f.take) p.reject(err);
    }
    this.pump();
    if (this.drained && this.pending.length === 0 && !this.inFlight) this.drained();
  }

  private failAll(err: Error): void {
    const all = [...(this.inFlight?.take ?? []), ...this.pending.splice(0)];
    this.inFlight = undefined;
    this.queued = 0;
    for (const p of all) p.reject(err);
  }
}
