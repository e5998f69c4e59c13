/**
 * Batches finished spans for one sink. Like OpenTelemetry's BatchSpanProcessor (same options and
 * defaults, a full batch is handed over at once), but every span it cannot keep is counted as
 * `queue_full` in the stats instead of only being logged, and flush/shutdown take a deadline.
 */
import type { Context } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { settledWithin } from '../deadline';
import type { DropReason } from './destination-stats';

export interface BatchSink {
  /** Takes a batch. A sink that finishes synchronously returns nothing; one that needs I/O returns a promise. */
  exportBatch(spans: ReadableSpan[]): void | Promise<void>;
  /** Waits until what the sink took so far is delivered; resolves false at the deadline. */
  flush(timeoutMs: number): Promise<boolean>;
  shutdown(timeoutMs: number): Promise<void>;
}

export interface BatchingOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  /** Default deadline for forceFlush()/shutdown() when a provider calls them without one. */
  exportTimeoutMillis: number;
}

export class BatchingSpanProcessor implements SpanProcessor {
  private buffer: ReadableSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private exporting: Promise<void> | undefined;
  private isShutdown = false;

  constructor(
    private readonly sink: BatchSink,
    private readonly options: BatchingOptions,
    private readonly onDrop: (reason: DropReason, spans: number) => void,
  ) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.isShutdown) {
      this.onDrop('shutdown_timeout', 1);
      return;
    }
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.buffer.length >= this.options.maxQueueSize) {
      this.onDrop('queue_full', 1);
      return;
    }
    this.buffer.push(span);
    if (this.buffer.length >= this.options.maxExportBatchSize) {
      this.drain();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, this.options.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  forceFlush(): Promise<void> {
    return this.flush(this.options.exportTimeoutMillis).then(() => undefined);
  }

  /** Hands every buffered span to the sink and waits for the sink to deliver; never rejects. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    try {
      while (this.buffer.length > 0 || this.exporting) {
        if (this.exporting) {
          const left = deadline - Date.now();
          if (left <= 0) return false;
          await settledWithin(this.exporting, left);
          if (Date.now() >= deadline) return false;
          continue;
        }
        this.drain();
      }
      return await this.sink.flush(Math.max(deadline - Date.now(), 0));
    } catch {
      return false;
    }
  }

  shutdown(): Promise<void> {
    return this.shutdownWithin(this.options.exportTimeoutMillis);
  }

  async shutdownWithin(timeoutMs: number): Promise<void> {
    if (this.isShutdown) return;
    const deadline = Date.now() + timeoutMs;
    await this.flush(timeoutMs);
    this.isShutdown = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length > 0) {
      this.onDrop('shutdown_timeout', this.buffer.length);
      this.buffer = [];
    }
    try {
      await this.sink.shutdown(Math.max(deadline - Date.now(), 0));
    } catch {
      /* shutdown never rejects into the caller */
    }
  }

  /** Exports full batches now (one at a time for asynchronous sinks); what is left waits for the timer. */
  private drain(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.buffer.length > 0 && this.exporting === undefined) {
      const n = this.options.maxExportBatchSize;
      let batch: ReadableSpan[];
      if (this.buffer.length <= n) {
        batch = this.buffer;
        this.buffer = [];
      } else {
        batch = this.buffer.splice(0, n);
      }
      let result: void | Promise<void>;
      try {
        result = this.sink.exportBatch(batch);
      } catch {
        // A sink that throws loses this batch; it has already counted why.
        result = undefined;
      }
      if (result !== undefined) {
        this.exporting = result.then(
          () => this.afterExport(),
          () => this.afterExport(),
        );
      }
    }
  }

  private afterExport(): void {
    this.exporting = undefined;
    if (this.buffer.length >= this.options.maxExportBatchSize) {
      this.drain();
    } else if (this.buffer.length > 0 && this.timer === undefined && !this.isShutdown) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, this.options.scheduledDelayMillis);
      this.timer.unref();
    }
  }
}

