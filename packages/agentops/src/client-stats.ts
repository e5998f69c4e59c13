import type { DestinationStats, MetricDestinationStats } from './export/destination-stats';

/** A snapshot of the SDK's counters. */
export interface ClientStats {
  /** Per span destination (`vendor`, `collector`, `exporter[0]:InMemorySpanExporter`, ...). */
  destinations: Record<string, DestinationStats>;
  /** Per metric destination (`vendor`, `collector`): data points sent, retried, dropped, queued. */
  metrics: Record<string, MetricDestinationStats>;
  sessions: { open: number; started: number; ended: number };
  /** Events recorded with no session open (dropped, reported once). */
  eventsWithoutSession: number;
}
