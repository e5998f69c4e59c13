import { performance } from 'node:perf_hooks';
import { eventId } from './event-id';

export type EventType = 'llm' | 'action' | 'tool' | 'error';

/** A point in time: a `Date`, milliseconds since the epoch, or an ISO 8601 string. */
export type TimeInput = Date | number | string;

export interface EventInit {
  /** Defaults to a random UUID; exported as `agentops.event.id`. */
  id?: string;
  /** When the work started. Defaults to when the event object was created. */
  initTimestamp?: TimeInput;
  /** When the work ended. Defaults to when the event is recorded. */
  endTimestamp?: TimeInput;
  /** Input of the work (tool arguments, action parameters, LLM request parameters). */
  params?: unknown;
  /** Output of the work (tool result, action result). */
  returns?: unknown;
  /** Set when the work failed: marks the span ERROR with an `exception` event. */
  error?: unknown;
  /** Extra span attributes; values that are not strings, numbers or booleans are recorded as JSON. */
  attributes?: Record<string, unknown>;
}

/** Epoch milliseconds with sub-millisecond precision (Date.now() has only whole milliseconds). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Something the agent did, recorded as a child span of its session. Create one before the work
 * starts (or pass `initTimestamp`) and record it when the work is done, so the span keeps its real
 * duration.
 */
export abstract class Event {
  abstract readonly eventType: EventType;
  readonly id: string;
  initTimestamp: TimeInput;
  endTimestamp: TimeInput | undefined;
  params: unknown;
  returns: unknown;
  error: unknown;
  attributes: Record<string, unknown> | undefined;
  /** @internal Whether a session recorded this event already (an ErrorEvent's trigger can only be recorded once). */
  _recorded = false;

  constructor(init: EventInit | undefined) {
    // Recording must never throw into the agent: a missing or malformed init is an empty one.
    const i = readFields<EventInit>(init, ['id', 'initTimestamp', 'endTimestamp', 'params', 'returns', 'error', 'attributes']);
    this.id = typeof i.id === 'string' && i.id !== '' ? i.id : eventId();
    this.initTimestamp = i.initTimestamp ?? nowMs();
    this.endTimestamp = i.endTimestamp;
    this.params = i.params;
    this.returns = i.returns;
    this.error = i.error;
    this.attributes = i.attributes;
  }
}

/**
 * The fields of an init object, read one by one into a plain object: a getter that throws (a
 * hostile or revoked Proxy) leaves its field unset instead of throwing into the agent.
 */
export function readFields<T extends object>(init: unknown, keys: ReadonlyArray<keyof T>): T {
  const out = {} as T;
  if (init === null || typeof init !== 'object') return out;
  for (const k of keys) {
    try {
      const v = (init as T)[k];
      if (v !== undefined) out[k] = v;
    } catch {
      // Unreadable: left unset.
    }
  }
  return out;
}
