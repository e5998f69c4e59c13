/**
 * Span status as the SDK sets it: ERROR once set holds. A wrapper or `session.trace()` that ends
 * normally marks its span OK only when nothing marked it ERROR before, whether an ErrorEvent did
 * (through this module) or the user did through the span itself; OpenTelemetry lets a later OK
 * overwrite ERROR, which would hide the failure the user recorded.
 */
import { SpanStatusCode, type Span, type SpanStatus } from '@opentelemetry/api';

// Spans this SDK marked ERROR; a span of a provider that does not expose its status is known by this.
const failed = new WeakSet<Span>();

export function markError(span: Span, message: string): void {
  failed.add(span);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** Marks a span OK unless it is (or was marked) ERROR. */
export function markOk(span: Span): void {
  if (!span.isRecording() || failed.has(span)) return;
  // The SDK's own spans expose their status (ReadableSpan): one the user set to ERROR stays so.
  const status = (span as { status?: SpanStatus }).status;
  if (status !== undefined && status.code === SpanStatusCode.ERROR) return;
  span.setStatus({ code: SpanStatusCode.OK });
}
