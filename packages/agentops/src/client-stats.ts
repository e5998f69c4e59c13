import type { DestinationStats } from './export/destination-stats';

/** A snapshot of the SDK's counters. */
export interface ClientStats {
  /** Per span destination (`vendor`, `collector`, `exporter[0]:InMemorySpanExporter`, ...). */
  destinations: Record<string, DestinationStats>;
  /** Per metric destination (`vendor`, `collector`); the counts are data points, not spans. */
  metrics: Record<string, DestinationStats>;
  sessions: { open: number; started: number; ended: number };
  /** Events recorded with no session open (dropped, reported once). */
  eventsWithoutSession: number;
}
