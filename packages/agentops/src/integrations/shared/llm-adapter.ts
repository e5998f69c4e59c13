/**
 * What a provider's instrumentation supplies to the shared client-call engine: how to read a
 * response body into the LLMEvent, and how to assemble one from streamed chunks.
 */
import type { LLMEvent } from '../../events/llm-event';

export interface StreamAccumulator {
  /** One chunk or event, as the user receives it. */
  add(chunk: unknown): void;
  /** Writes what the chunks so far say into the event: the whole output, or the partial one of a stream stopped early. */
  apply(event: LLMEvent, capture: boolean): void;
}

export interface LLMAdapter {
  /** Fills the event from a parsed (non-streamed) response body. Content only when `capture`. */
  response(event: LLMEvent, body: unknown, capture: boolean): void;
  /** A fresh accumulator for one streamed call. */
  stream(capture: boolean): StreamAccumulator;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
