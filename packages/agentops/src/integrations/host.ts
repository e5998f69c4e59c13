/**
 * What instrumentation needs from the SDK client, and the one client it records into. Patched
 * methods and wrappers look the host up at call time: they may be installed before `init()`, and
 * they must fall through to the user's own code after `shutdown()`.
 */
import type { TextMapPropagator, Tracer } from '@opentelemetry/api';
import type { ContextAccess } from '../context';
import type { EventRecorder } from '../events/event-recorder';
import type { SdkLogger } from '../log';
import type { Session, SessionOptions } from '../session/session';

export interface InstrumentationHost {
  readonly enabled: boolean;
  readonly tracer: Tracer | undefined;
  readonly recorder: EventRecorder;
  readonly contextAccess: ContextAccess;
  readonly logger: SdkLogger;
  /** The configured propagators, for integrations that carry context in messages (MCP's `_meta`). */
  readonly propagator: TextMapPropagator;
  /** With `open`, a session is opened when none is and `autoStartSession` is on. */
  currentSession(open?: boolean): Session | undefined;
  startSession(options?: SessionOptions): Session;
  /** Runs `fn` inside the remote session the carrier holds (`agentops.continueSession`). */
  continueSession<T>(carrier: unknown, fn: () => T): T;
}

let current: InstrumentationHost | undefined;

/** @internal Set by `init()`, cleared by `shutdown()`. */
export function setInstrumentationHost(host: InstrumentationHost | undefined): void {
  current = host;
}

/** The client to record into, or undefined when nothing should be recorded (before init, after shutdown, disabled). */
export function activeHost(): InstrumentationHost | undefined {
  const h = current;
  return h !== undefined && h.enabled && h.tracer !== undefined ? h : undefined;
}
