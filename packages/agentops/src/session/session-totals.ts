/** What a session added up to, kept as its spans end (from events, wrappers or instrumented clients). */
export class SessionTotals {
  llmCalls = 0;
  toolCalls = 0;
  /** Spans of the session that ended with status ERROR. */
  errors = 0;
  inputTokens = 0;
  outputTokens = 0;
  cachedTokens = 0;
  /** Sum of the priced LLM calls; undefined while none was priced. */
  costUsd: number | undefined = undefined;
  /** LLM calls whose model has no price (their cost is not in `costUsd`). */
  unpricedLlmCalls = 0;
}

export interface SessionSummary {
  id: string;
  traceId: string;
  name: string;
  tags: readonly string[];
  startedAt: Date;
  endedAt: Date | undefined;
  /** Until the end, or until now for an open session. */
  durationMs: number;
  endState: 'Success' | 'Fail' | 'Indeterminate' | undefined;
  endReason: string | undefined;
  llmCalls: number;
  toolCalls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number | undefined;
  unpricedLlmCalls: number;
}
