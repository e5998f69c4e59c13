/** A user's own SpanExporter behind a batching processor: one export at a time, counted, with a deadline. */
import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { settledWithin } from '../deadline';
import type { SdkLogger } from '../log';
import type { BatchSink } from './batching-span-processor';
import type { DestinationStats } from './destination-stats';

export class ExporterSink implements BatchSink {
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly exporter: SpanExporter,
    readonly stats: DestinationStats,
    private readonly timeoutMs: number,
    private readonly logger: SdkLogger,
  ) {}

  exportBatch(spans: ReadableSpan[]): Promise<void> {
    const stats = this.stats;
    stats.spansQueued += spans.length;
    stats.requests++;
    const p = new Promise<void>((resolve) => {
      let settled = false;
      const finish = (ok: boolean, why?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stats.spansQueued -= spans.length;
        if (ok) {
          stats.spansSent += spans.length;
        } else {
          stats.failedRequests++;
          stats.spansDropped.export_failed += spans.length;
          stats.lastError = why;
          this.logger.throttled(`drop:${stats.name}`, 60_000, 'warn', `exporter ${stats.name} dropped ${spans.length} spans: ${why}; see client.stats()`);
        }
        resolve();
      };
      const timer = setTimeout(() => finish(false, `no result within ${this.timeoutMs} ms`), this.timeoutMs);
      timer.unref();
      try {
        context.with(suppressTracing(context.active()), () => {
          this.exporter.export(spans, (result) => {
            finish(result.code === ExportResultCode.SUCCESS, result.error ? String(result.error.message ?? result.error) : 'export failed');
          });
        });
      } catch (err) {
        finish(false, `export threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    this.inFlight = p;
    void p.then(() => {
      if (this.inFlight === p) this.inFlight = undefined;
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
  }
}

function callSafely(fn: () => Promise<void>): Promise<void> {
  try {
    return Promise.resolve(fn()).catch(() => undefined);
  } catch {
    return Promise.resolve();
  }
}

