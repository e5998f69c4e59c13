/**
 * One destination's queue of encoded batches: bounded in bytes, retried with exponential backoff
 * and jitter (honouring Retry-After), counted. A slow or failing destination only ever fills its
 * own queue, so it cannot delay or drop another destination's spans.
 */
import { settledWithin, sleep } from '../deadline';
import type { SdkLogger } from '../log';
import type { DropReason, DestinationStats } from './destination-stats';
import type { SendResult, Transport } from './send-result';
import type { Spool, SpooledBatch } from './spool';

export interface EncodedBatch {
  readonly body: Uint8Array;
  readonly spans: number;
}

// One per destination: the fan-out hands the same bytes to every queue, the file is per queue.
type Entry = SpooledBatch;

export interface DeliveryQueueOptions {
  maxBufferBytes: number;
  concurrency: number;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** What the queue's batches hold, for the log: `spans` (default) or `data points`. */
  unit?: string;
}

/** Called for every dropped batch, so metrics (`agentops.spans.dropped`) can count it too. */
export type DropListener = (destination: string, reason: DropReason, spans: number) => void;

const DROP_LOG_INTERVAL_MS = 60_000;

export class DeliveryQueue {
  // A deque as array + head index: shift() on a long array is O(n) per batch.
  private items: Entry[] = [];
  private head = 0;
  private inFlight = 0;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  // A Retry-After from the server is a request we honour even during flush; our own backoff is not.
  private retryMandated = false;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private pendingDropLog: Partial<Record<DropReason, number>> = {};
  private readonly onDrop: DropListener[] = [];
  private readonly recovering: Promise<void> | undefined;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    readonly name: string,
    private readonly transport: Transport,
    private readonly options: DeliveryQueueOptions,
    readonly stats: DestinationStats,
    private readonly logger: SdkLogger,
    private readonly spool?: Spool,
  ) {
    if (spool) this.recovering = this.recover(spool);
  }

  /** Queues what a previous process left in the spool, ahead of anything newer. */
  private async recover(spool: Spool): Promise<void> {
    try {
      const batches = await spool.recover();
      if (batches.length === 0) return;
      let spans = 0;
      for (const b of batches) spans += b.spans;
      this.stats.spansRecovered += spans;
      this.logger.info(`destination ${this.name}: ${spans} spans in ${batches.length} batches recovered from the spool ${spool.dir}`);
      for (const b of batches) this.add(b, false);
      this.pump();
    } catch (err) {
      this.logger.warn(`destination ${this.name}: reading the spool failed: ${String(err)}`);
    }
  }

  addDropListener(listener: DropListener): void {
    this.onDrop.push(listener);
  }

  /** Queues a batch; never blocks and never throws. */
  enqueue(batch: EncodedBatch): void {
    if (this.closed) {
      this.drop('shutdown_timeout', batch.spans, 'destination already shut down');
      return;
    }
    if (this.add({ body: batch.body, spans: batch.spans }, true)) this.pump();
  }

  /** Adds an entry within the byte cap, evicting the oldest; persists it in durable mode. */
  private add(entry: Entry, persist: boolean): boolean {
    if (entry.body.length > this.options.maxBufferBytes) {
      this.dropEntry(entry, 'buffer_full', `one batch (${entry.body.length} bytes) is larger than the buffer`);
      return false;
    }
    while (this.stats.bytesQueued + entry.body.length > this.options.maxBufferBytes && this.length > 0) {
      const oldest = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as Entry;
      this.head++;
      this.account(oldest, -1);
      this.dropEntry(oldest, 'buffer_full', 'buffer full, oldest batch evicted');
    }
    if (this.stats.bytesQueued + entry.body.length > this.options.maxBufferBytes) {
      // Only in-flight batches remain and they already fill the buffer.
      this.dropEntry(entry, 'buffer_full', 'buffer full');
      return false;
    }
    this.items.push(entry);
    this.account(entry, 1);
    if (persist && this.spool) this.spool.persist(entry);
    return true;
  }

  /**
   * At shutdown, durable mode: batches whose file is on disk are left for the next process
   * (counted as spooled); one whose write failed is lost with this process, and counted as a drop.
   */
  private async keepOnDisk(entries: Entry[]): Promise<number> {
    await this.spool!.settle(entries);
    let kept = 0;
    for (const e of entries) {
      if (e.file !== undefined) kept += e.spans;
      else this.drop('shutdown_timeout', e.spans, 'undelivered at shutdown, and its spool file could not be written');
    }
    this.stats.spansSpooled += kept;
    return kept;
  }

  private dropEntry(entry: Entry, reason: DropReason, why: string): void {
    this.spool?.remove(entry);
    this.drop(reason, entry.spans, why);
  }

  /** Resolves true once everything queued so far was delivered or dropped, false at the deadline. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    if (this.recovering) await Promise.race([this.recovering, sleep(timeoutMs)]);
    const delivered = await this.flushQueued(Math.max(deadline - Date.now(), 0));
    // A delivered batch's file is deleted after the answer: wait for that too, so that a process
    // that ends right after a successful flush leaves nothing to send again on the next start.
    if (delivered && this.spool) return settledWithin(this.spool.removed(), Math.max(deadline - Date.now(), 0));
    return delivered;
  }

  private flushQueued(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        resolve(false);
      }, timeoutMs);
      timer.unref();
      this.idleWaiters.push(() => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(true);
      });
      // A flush is the moment to try again now rather than after a long backoff.
      if (this.retryTimer && !this.retryMandated && this.inFlight === 0) {
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        this.pump();
      }
    });
  }

  /** Flushes for at most `timeoutMs`, then counts what is left as `shutdown_timeout` and closes. */
  async shutdown(timeoutMs: number): Promise<void> {
    const delivered = await this.flush(timeoutMs);
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (!delivered) {
      const left = this.items.slice(this.head);
      this.items = [];
      this.head = 0;
      let spans = 0;
      for (const e of left) {
        spans += e.spans;
        this.account(e, -1);
      }
      if (this.spool && left.length > 0) {
        // Durable mode: what could not be sent stays on disk for the next process; not a drop.
        const kept = await this.keepOnDisk(left);
        if (kept > 0) this.logger.warn(`destination ${this.name}: ${kept} undelivered spans kept in the spool ${this.spool.dir} for the next start`);
      } else if (spans > 0) {
        this.drop('shutdown_timeout', spans, 'still queued at shutdown');
      }
    }
    // In-flight requests are aborted by close(); wait (briefly) until each is counted, so the
    // stats read after shutdown are final.
    const inFlight = [...this.sending];
    await this.transport.close();
    await Promise.race([Promise.allSettled(inFlight), sleep(250)]);
    this.spool?.close();
    this.flushDropLog();
  }

  private get length(): number {
    return this.items.length - this.head;
  }

  private isIdle(): boolean {
    return this.length === 0 && this.inFlight === 0;
  }

  private account(batch: Entry, sign: 1 | -1): void {
    this.stats.bytesQueued += sign * batch.body.length;
    this.stats.spansQueued += sign * batch.spans;
  }

  private pump(): void {
    while (!this.closed && this.retryTimer === undefined && this.inFlight < this.options.concurrency && this.length > 0) {
      const batch = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as Entry;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.inFlight++;
      this.stats.requests++;
      const sent: Promise<void> = this.transport.send(batch.body).then(
        (result) => this.settle(batch, result),
        (err: unknown) => this.settle(batch, { kind: 'retryable', message: String(err) }),
      );
      this.sending.add(sent);
      void sent.finally(() => this.sending.delete(sent));
    }
    this.notifyIfIdle();
  }

  private settle(batch: Entry, result: SendResult): void {
    this.inFlight--;
    if (result.kind === 'success') {
      this.attempt = 0;
      this.account(batch, -1);
      this.spool?.remove(batch);
      const rejected = Math.min(result.rejectedSpans ?? 0, batch.spans);
      this.stats.spansSent += batch.spans - rejected;
      if (rejected > 0) this.drop('rejected', rejected, `destination rejected spans: ${result.rejectMessage ?? 'no reason given'}`);
    } else if (result.kind === 'retryable' && !this.closed) {
      this.stats.failedRequests++;
      this.stats.lastError = result.message;
      this.stats.spansRetried += batch.spans;
      // Back to the front: order is kept as far as concurrency allows.
      if (this.head > 0) {
        this.head--;
        this.items[this.head] = batch;
      } else {
        this.items.unshift(batch);
      }
      this.scheduleRetry(result.retryAfterMs);
      this.logger.throttled(`retry:${this.name}`, DROP_LOG_INTERVAL_MS, 'warn', `destination ${this.name} failed (${result.message}); retrying with backoff, nothing dropped yet`);
    } else {
      this.stats.failedRequests++;
      this.stats.lastError = result.message;
      this.account(batch, -1);
      if (result.kind === 'retryable' && this.spool) {
        // Closed while this was in flight: the file stays for the next process.
        void this.keepOnDisk([batch]);
      } else {
        const reason: DropReason = result.kind === 'failure' ? result.reason : 'shutdown_timeout';
        this.dropEntry(batch, reason, result.message);
      }
    }
    this.pump();
  }

  private scheduleRetry(retryAfterMs: number | undefined): void {
    if (this.retryTimer) return;
    const backoff = Math.min(this.options.maxRetryDelayMs, this.options.initialRetryDelayMs * 2 ** Math.min(this.attempt, 20));
    this.attempt++;
    // Full jitter between half and all of the backoff spreads out many clients recovering at once.
    const jittered = backoff * (0.5 + Math.random() * 0.5);
    const delay = retryAfterMs !== undefined ? Math.max(retryAfterMs, 1) : jittered;
    this.retryMandated = retryAfterMs !== undefined;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
    this.retryTimer.unref();
  }

  private drop(reason: DropReason, spans: number, why: string): void {
    if (spans <= 0) return;
    this.stats.spansDropped[reason] += spans;
    for (const l of this.onDrop) {
      try {
        l(this.name, reason, spans);
      } catch {
        /* a listener must not break delivery */
      }
    }
    // A rejected key was already reported once, clearly, by the auth exchange: count, don't repeat.
    if (reason === 'auth_rejected') return;
    this.pendingDropLog[reason] = (this.pendingDropLog[reason] ?? 0) + spans;
    const logged = this.logger.throttled(`drop:${this.name}`, DROP_LOG_INTERVAL_MS, 'warn', this.dropLine(why));
    if (logged) this.pendingDropLog = {};
  }

  private flushDropLog(): void {
    if (Object.keys(this.pendingDropLog).length === 0) return;
    this.logger.warn(this.dropLine('final count'));
    this.pendingDropLog = {};
  }

  private dropLine(why: string): string {
    const counts = Object.entries(this.pendingDropLog)
      .map(([r, n]) => `${n} ${r}`)
      .join(', ');
    return `destination ${this.name} dropped ${this.options.unit ?? 'spans'} (${counts}) - ${why}; see client.stats()`;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

