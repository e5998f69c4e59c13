/**
 * One destination's queue of encoded batches: bounded in bytes, retried with exponential backoff
 * and jitter (honouring Retry-After), counted. A slow or failing destination only ever fills its
 * own queue, so it cannot delay or drop another destination's spans.
 */
import type { SdkLogger } from '../log';
import type { DropReason, DestinationStats } from './destination-stats';
import type { SendResult, Transport } from './send-result';

export interface EncodedBatch {
  readonly body: Uint8Array;
  readonly spans: number;
}

export interface DeliveryQueueOptions {
  maxBufferBytes: number;
  concurrency: number;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
}

/** Called for every dropped batch, so metrics (`agentops.spans.dropped`) can count it too. */
export type DropListener = (destination: string, reason: DropReason, spans: number) => void;

const DROP_LOG_INTERVAL_MS = 60_000;

export class DeliveryQueue {
  // A deque as array + head index: shift() on a long array is O(n) per batch.
  private items: EncodedBatch[] = [];
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

  constructor(
    readonly name: string,
    private readonly transport: Transport,
    private readonly options: DeliveryQueueOptions,
    readonly stats: DestinationStats,
    private readonly logger: SdkLogger,
  ) {}

  addDropListener(listener: DropListener): void {
    this.onDrop.push(listener);
  }

  /** Queues a batch; never blocks and never throws. */
  enqueue(batch: EncodedBatch): void {
    if (this.closed) {
      this.drop('shutdown_timeout', batch.spans, 'destination already shut down');
      return;
    }
    if (batch.body.length > this.options.maxBufferBytes) {
      this.drop('buffer_full', batch.spans, `one batch (${batch.body.length} bytes) is larger than the buffer`);
      return;
    }
    while (this.stats.bytesQueued + batch.body.length > this.options.maxBufferBytes && this.length > 0) {
      const oldest = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as EncodedBatch;
      this.head++;
      this.account(oldest, -1);
      this.drop('buffer_full', oldest.spans, 'buffer full, oldest batch evicted');
    }
    if (this.stats.bytesQueued + batch.body.length > this.options.maxBufferBytes) {
      // Only in-flight batches remain and they already fill the buffer.
      this.drop('buffer_full', batch.spans, 'buffer full');
      return;
    }
    this.items.push(batch);
    this.account(batch, 1);
    this.pump();
  }

  /** Resolves true once everything queued so far was delivered or dropped, false at the deadline. */
  flush(timeoutMs: number): Promise<boolean> {
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
      let spans = 0;
      for (let i = this.head; i < this.items.length; i++) spans += this.items[i]!.spans;
      this.items = [];
      this.head = 0;
      if (spans > 0) this.drop('shutdown_timeout', spans, 'still queued at shutdown');
    }
    // In-flight requests are aborted by close(); their outcome is counted when they settle.
    await this.transport.close();
    this.flushDropLog();
  }

  private get length(): number {
    return this.items.length - this.head;
  }

  private isIdle(): boolean {
    return this.length === 0 && this.inFlight === 0;
  }

  private account(batch: EncodedBatch, sign: 1 | -1): void {
    this.stats.bytesQueued += sign * batch.body.length;
    this.stats.spansQueued += sign * batch.spans;
  }

  private pump(): void {
    while (!this.closed && this.retryTimer === undefined && this.inFlight < this.options.concurrency && this.length > 0) {
      const batch = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as EncodedBatch;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.inFlight++;
      this.stats.requests++;
      this.transport.send(batch.body).then(
        (result) => this.settle(batch, result),
        (err: unknown) => this.settle(batch, { kind: 'retryable', message: String(err) }),
      );
    }
    this.notifyIfIdle();
  }

  private settle(batch: EncodedBatch, result: SendResult): void {
    this.inFlight--;
    if (result.kind === 'success') {
      this.attempt = 0;
      this.account(batch, -1);
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
      const reason: DropReason = result.kind === 'failure' ? result.reason : 'shutdown_timeout';
      this.drop(reason, batch.spans, result.message);
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
    return `destination ${this.name} dropped spans (${counts}) - ${why}; see client.stats()`;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
