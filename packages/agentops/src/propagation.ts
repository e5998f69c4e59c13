/**
 * Sessions across services. `inject(carrier)` writes the active span's context (W3C `traceparent`
 * / `tracestate`, or B3) and `baggage` with `session.id`; `continueSession(carrier, fn)` makes that
 * remote session active in another process, so its spans land in the same trace under the caller's
 * span. The propagators come from `OTEL_PROPAGATORS` (default `tracecontext,baggage`).
 */
import { propagation, ROOT_CONTEXT, trace, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import type { PropagatorName } from './config';
import type { Client } from './client';
import type { ContextAccess } from './context';
import { current } from './current-client';
import { Session } from './session/session';

export const SESSION_BAGGAGE_KEY = 'session.id';

export function buildPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  const propagators: TextMapPropagator[] = names.map((n) => {
    switch (n) {
      case 'tracecontext':
        return new W3CTraceContextPropagator();
      case 'baggage':
        return new W3CBaggagePropagator();
      case 'b3':
        return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
      case 'b3multi':
        return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
    }
  });
  return new CompositePropagator({ propagators });
}

/** Adds `session.id` to the context's baggage, keeping what is there. */
export function withSessionBaggage(ctx: Context, sessionId: string): Context {
  const current = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  return propagation.setBaggage(ctx, current.setEntry(SESSION_BAGGAGE_KEY, { value: sessionId }));
}

export function sessionIdFromBaggage(ctx: Context): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(SESSION_BAGGAGE_KEY)?.value;
}

/** The remote span context in `carrier`, if it holds a valid one. */
export function remoteContext(propagator: TextMapPropagator, carrier: unknown): Context | undefined {
  const ctx = propagator.extract(ROOT_CONTEXT, carrier, headerGetter);
  const sc = trace.getSpanContext(ctx);
  return sc !== undefined && trace.isSpanContextValid(sc) ? ctx : undefined;
}

/** Reads plain objects and Node's IncomingHttpHeaders (arrays, any case), and Headers-like objects. */
export const headerGetter = {
  get(carrier: unknown, key: string): string | string[] | undefined {
    if (carrier === null || typeof carrier !== 'object') return undefined;
    const c = carrier as { get?: (k: string) => unknown } & Record<string, unknown>;
    if (typeof c.get === 'function' && !(key in c)) {
      const v = c.get(key);
      return typeof v === 'string' ? v : undefined;
    }
    const direct = c[key] ?? c[key.toLowerCase()];
    if (typeof direct === 'string' || Array.isArray(direct)) return direct as string | string[];
    const lower = key.toLowerCase();
    for (const k of Object.keys(c)) if (k.toLowerCase() === lower) return c[k] as string | string[] | undefined;
    return undefined;
  },
  keys(carrier: unknown): string[] {
    return carrier !== null && typeof carrier === 'object' ? Object.keys(carrier) : [];
  },
};

export const headerSetter = {
  set(carrier: unknown, key: string, value: string): void {
    if (carrier === null || typeof carrier !== 'object') return;
    const c = carrier as { set?: (k: string, v: string) => void } & Record<string, unknown>;
    if (typeof c.set === 'function' && !(key in c)) c.set(key, value);
    else c[key] = value;
  },
};

/** What `Client.inject()` does: the active context, with the session it belongs to, into `carrier`. */
export function injectSession<C extends object>(client: Client, carrier: C): C {
  try {
    let ctx = client.contextAccess.active();
    const session = client.activeSession() ?? (trace.getSpan(ctx) ? undefined : client.currentSession());
    if (session) {
      if (trace.getSpan(ctx) === undefined) ctx = session.contextFrom(ctx);
      ctx = withSessionBaggage(ctx, session.id);
    }
    client.propagator.inject(ctx, carrier, headerSetter);
  } catch (err) {
    client.logger.once('inject:failed', 'warn', `inject() failed and wrote nothing: ${String(err)}`);
  }
  return carrier;
}

/** What `Client.continueSession()` does: `fn` inside the remote session `carrier` holds, else as it is. */
export function continueRemoteSession<T>(client: Client, carrier: unknown, fn: () => T): T {
  let ctx: ReturnType<ContextAccess['active']> | undefined;
  let session: Session | undefined;
  try {
    const remote = remoteContext(client.propagator, carrier);
    if (remote === undefined) {
      client.logger.once('continue:no-context', 'warn', 'continueSession(): the carrier holds no trace context (traceparent or b3); running without a session (reported once)');
    } else {
      const sc = trace.getSpanContext(remote)!;
      const id = sessionIdFromBaggage(remote) ?? formatAsUuid(sc.traceId);
      session = new Session(client, trace.wrapSpanContext(sc), id, 'session', [], true);
      ctx = session.contextFrom(remote);
    }
  } catch (err) {
    client.logger.once('continue:failed', 'warn', `continueSession() could not read the carrier: ${String(err)}`);
  }
  if (ctx === undefined || session === undefined) return fn();
  return client.contextAccess.with(ctx, fn);
}

function formatAsUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Writes the active session's context into `carrier` (headers) for another service. */
export function inject<C extends object>(carrier: C): C {
  return current ? current.inject(carrier) : carrier;
}

/** Runs `fn` inside the session another service injected into `carrier`. */
export function continueSession<T>(carrier: unknown, fn: () => T): T {
  return current ? current.continueSession(carrier, fn) : fn();
}

/** The context (as OpenTelemetry's API knows it) that `carrier` holds, for advanced use. */
export function extract(carrier: unknown): ReturnType<ContextAccess['active']> {
  if (!current) return ROOT_CONTEXT;
  return remoteContext(current.propagator, carrier) ?? ROOT_CONTEXT;
}
