/**
 * How the SDK reads and sets the active context. Normally the global OpenTelemetry context API
 * (AsyncLocalStorage); with `init({ global: false })` a private AsyncLocalStorage manager that is
 * never registered globally, so another SDK that owns the globals is left untouched.
 */
import { context, createContextKey, type Context, type ContextManager } from '@opentelemetry/api';

/** Context key under which `session.run()` stores the active Session. */
export const SESSION_KEY = createContextKey('agentops.session');

export interface ContextAccess {
  active(): Context;
  with<T>(ctx: Context, fn: () => T): T;
}

export const globalContextAccess: ContextAccess = {
  active: () => context.active(),
  with: (ctx, fn) => context.with(ctx, fn),
};

export function privateContextAccess(manager: ContextManager): ContextAccess {
  return {
    active: () => manager.active(),
    with: (ctx, fn) => manager.with(ctx, fn),
  };
}
