/** A user's own SpanExporter behind a batching processor: one export at a time, counted, with a deadline. */
import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { settledWithin } from '../deadline';
import type { BatchSink } from './batching-span-processor';
import type { DestinationStats, DropReason } from './destination-stats';

export class ExporterSink implements BatchSink {
  private inFlight: Promise<void> | undefined;
  /** Ends the export in flight as failed (an exporter that never called back by shutdown). */
  private abandon: (() => void) | undefined;

  constructor(
    private readonly exporter: SpanExporter,
    readonly stats: DestinationStats,
    private readonly timeoutMs: number,
    /** Counts, reports and logs a drop (see pipeline.ts). */
    private readonly onDrop: (reason: DropReason, spans: number) => void,
  ) {}

  exportBatch(spans: ReadableSpan[]): Promise<void> {
    const stats = this.stats;
    stats.spansQueued += spans.length;
    stats.requests++;
    const p = new Promise<void>((resolve) => {
      let settled = false;
      const finish = (ok: boolean, why: string, reason: DropReason = 'export_failed'): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stats.spansQueued -= spans.length;
        if (ok) {
          stats.spansSent += spans.length;
        } else {
          stats.failedRequests++;
          stats.lastError = why;
          this.onDrop(reason, spans.length);
        }
        resolve();
      };
      const timer = setTimeout(() => finish(false, `no result within ${this.timeoutMs} ms`), this.timeoutMs);
      timer.unref();
      this.abandon = () => finish(false, 'no result by shutdown', 'shutdown_timeout');
      try {
        context.with(suppressTracing(context.active()), () => {
          // The callback runs on the exporter's schedule: nothing in it may throw there.
          this.exporter.export(spans, (result: ExportResult | undefined) => {
            try {
              if (result?.code === ExportResultCode.SUCCESS) finish(true, '');
              else finish(false, result?.error ? String(result.error.message ?? result.error) : result === undefined || result === null ? 'export called back without a result' : 'export failed');
            } catch (err) {
              finish(false, `export result unreadable: ${String(err)}`);
            }
          });
        });
      } catch (err) {
        finish(false, `export threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    this.inFlight = p;
    void p.then(() => {
      if (this.inFlight === p) {
        this.inFlight = undefined;
        this.abandon = undefined;
      }
    });
    return p;
  }

  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    if (this.inFlight) await settledWithin(this.inFlight, timeoutMs);
    const left = deadline - Date.now();
    if (left <= 0) return false;
    if (typeof this.exporter.forceFlush === 'function') {
      return settledWithin(callSafely(() => this.exporter.forceFlush!()), left);
    }
    return true;
  }

  async shutdown(timeoutMs: number): Promise<void> {
    await settledWithin(callSafely(() => this.exporter.shutdown()), timeoutMs);
    // Still no answer for the batch in flight: it is lost, and counted.
    this.abandon?.();
  }
}

function callSafely(fn: () => Promise<void>): Promise<void> {
  try {
    return Promise.resolve(fn()).catch(() => undefined);
  } catch {
    return Promise.resolve();
  }
}

