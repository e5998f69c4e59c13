/** Why spans did not reach a destination. Every drop is counted under exactly one reason. */
export type DropReason =
  /** The batching queue was full when the span ended (`batch.maxQueueSize`). */
  | 'queue_full'
  /** The destination's buffer was full; its oldest batch was evicted (`delivery.maxBufferBytes`). */
  | 'buffer_full'
  /** The destination answered with a status that retrying cannot fix (400, 413, ...). */
  | 'non_retryable'
  /** `shutdown()` / exit ran out of time with spans still queued or unsent. */
  | 'shutdown_timeout'
  /** The vendor rejected the API key. */
  | 'auth_rejected'
  /** The vendor answered 401 even after a fresh token. */
  | 'unauthorized'
  /** The destination accepted the request but reported these spans as rejected (OTLP partial success). */
  | 'rejected'
  /** A user exporter reported failure or did not call back in time. */
  | 'export_failed';

export const DROP_REASONS: readonly DropReason[] = [
  'queue_full',
  'buffer_full',
  'non_retryable',
  'shutdown_timeout',
  'auth_rejected',
  'unauthorized',
  'rejected',
  'export_failed',
];

/** Counters of one destination, as `client.stats()` returns them. */
export interface DestinationStats {
  readonly name: string;
  /** Spans the destination acknowledged. */
  spansSent: number;
  /** Span deliveries that failed once and were attempted again (a batch of 100 retried twice counts 200). */
  spansRetried: number;
  spansDropped: Record<DropReason, number>;
  /** Spans waiting in the buffer or in flight now. */
  spansQueued: number;
  bytesQueued: number;
  requests: number;
  failedRequests: number;
  lastError: string | undefined;
  /** Durable mode: spans left on disk at shutdown for the next process (not dropped). */
  spansSpooled: number;
  /** Durable mode: spans a previous process left in the spool, taken over by this one. */
  spansRecovered: number;
}

/** Counters of one metric destination, as `client.stats().metrics` returns them: data points, not spans. */
export interface MetricDestinationStats {
  readonly name: string;
  /** Data points the destination acknowledged. */
  pointsSent: number;
  /** Data point deliveries that failed once and were attempted again. */
  pointsRetried: number;
  pointsDropped: Record<DropReason, number>;
  /** Data points waiting in the buffer or in flight now. */
  pointsQueued: number;
  bytesQueued: number;
  requests: number;
  failedRequests: number;
  lastError: string | undefined;
}

/** A metric destination's counters under their own names (its queue counts data points where a span queue counts spans). */
export function metricStats(s: DestinationStats): MetricDestinationStats {
  return {
    name: s.name,
    pointsSent: s.spansSent,
    pointsRetried: s.spansRetried,
    pointsDropped: { ...s.spansDropped },
    pointsQueued: s.spansQueued,
    bytesQueued: s.bytesQueued,
    requests: s.requests,
    failedRequests: s.failedRequests,
    lastError: s.lastError,
  };
}

export function newDestinationStats(name: string): DestinationStats {
  const spansDropped = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) spansDropped[r] = 0;
  return {
    name,
    spansSent: 0,
    spansRetried: 0,
    spansDropped,
    spansQueued: 0,
    bytesQueued: 0,
    requests: 0,
    failedRequests: 0,
    lastError: undefined,
    spansSpooled: 0,
    spansRecovered: 0,
  };
}

export function totalDropped(s: DestinationStats): number {
  let n = 0;
  for (const r of DROP_REASONS) n += s.spansDropped[r];
  return n;
}
