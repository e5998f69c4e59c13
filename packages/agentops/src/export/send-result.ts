/** What one attempt to deliver a batch came to. Crossing the export boundary as a value, not a throw. */
export type SendResult =
  | { readonly kind: 'success'; readonly status: number; readonly rejectedSpans?: number; readonly rejectMessage?: string }
  | { readonly kind: 'retryable'; readonly status?: number; readonly retryAfterMs?: number; readonly message: string }
  | { readonly kind: 'failure'; readonly status?: number; readonly reason: FailureReason; readonly message: string };

export type FailureReason = 'non_retryable' | 'auth_rejected' | 'unauthorized';

/** Something that can deliver one encoded batch. */
export interface Transport {
  send(body: Uint8Array): Promise<SendResult>;
  /** Releases sockets; pending requests are aborted. */
  close(): Promise<void>;
}
