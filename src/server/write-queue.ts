/**
 * Batches writes into SQLite transactions. Requests enqueue their decoded spans and wait until a
 * transaction holding them commits, so a 200 means stored. Whatever arrived while a transaction
 * ran goes into the next one: under load one commit covers many requests (group commit), which is
 * what makes SQLite fast here. The queue is bounded in spans; when it is full the caller answers
 * 429 with Retry-After instead of buffering without limit. SQLITE_BUSY (another process holds
 * the write lock) keeps the batch queued and retries later rather than blocking the event loop.
 */
import type { Storage, WriteBatch } from './storage';

interface Pending {
  batch: WriteBatch;
  size: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const RETRY_BUSY_MS = 50;
// One transaction should not hold the event loop for long: past this many rows the rest waits for the next.
const MAX_ROWS_PER_TRANSACTION = 20_000;

export class WriteQueue {
  private pending: Pending[] = [];
  private queued = 0;
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private closed = false;
  /** Transactions committed and rows written, for diagnostics. */
  commits = 0;
  busyRetries = 0;

  constructor(
    private readonly storage: Storage,
    readonly maxQueuedRows: number,
  ) {}

  /** Rows waiting to be written. */
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
    const size = batch.spans.length + batch.metrics.reduce((n, m) => n + m.points.length, 0);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ batch, size, resolve, reject });
      this.queued += size;
      this.schedule(0);
    });
  }

  /** Writes what is queued (retrying a busy database until `deadlineMs`), then refuses new work. */
  async close(deadlineMs = 5000): Promise<void> {
    this.closed = true;
    const until = Date.now() + deadlineMs;
    while (this.pending.length > 0 && Date.now() < until) {
      if (this.scheduled) {
        clearTimeout(this.scheduled as NodeJS.Timeout);
        clearImmediate(this.scheduled as NodeJS.Immediate);
        this.scheduled = undefined;
      }
      if (!this.flush()) await new Promise((r) => setTimeout(r, RETRY_BUSY_MS));
    }
    for (const p of this.pending.splice(0)) p.reject(new Error('the server shut down before the write committed'));
    this.queued = 0;
  }

  private schedule(delayMs: number): void {
    if (this.scheduled !== undefined) return;
    const run = (): void => {
      this.scheduled = undefined;
      if (!this.flush()) this.schedule(RETRY_BUSY_MS);
      else if (this.pending.length > 0) this.schedule(0);
    };
    // setImmediate lets every request already read off the sockets join this transaction.
    this.scheduled = delayMs === 0 ? setImmediate(run) : setTimeout(run, delayMs);
  }

  /** One transaction; false when the database was busy (nothing taken off the queue). */
  private flush(): boolean {
    if (this.pending.length === 0) return true;
    let rows = 0;
    let n = 0;
    while (n < this.pending.length && (n === 0 || rows + this.pending[n]!.size <= MAX_ROWS_PER_TRANSACTION)) rows += this.pending[n++]!.size;
    const take = this.pending.slice(0, n);
    try {
      this.storage.write(take.map((p) => p.batch));
    } catch (err) {
      if ((err as { code?: unknown }).code === 'SQLITE_BUSY') {
        this.busyRetries++;
        return false;
      }
      this.pending.splice(0, n);
      this.queued -= rows;
      for (const p of take) p.reject(err);
      return true;
    }
    this.commits++;
    this.pending.splice(0, n);
    this.queued -= rows;
    for (const p of take) p.resolve();
    return true;
  }
}
