/**
 * The module-level API: `init()` starts the one current client, the other functions act on it, and
 * before `init()` (or after `shutdown()`) they are cheap no-ops.
 */
import { resolveConfig, resolveLogger, type Env, type InitOptions } from './config';
import { Client } from './client';
import type { ClientStats } from './client-stats';
import { current, setCurrent } from './current-client';
import type { Event } from './events/event';
import { SdkLogger } from './log';
import { NOOP_METER, type Meter } from './metrics/meter';
import type { EndState, Session, SessionOptions } from './session/session';

let disabledClient: Client | undefined;

/**
 * Starts the SDK: builds the TracerProvider and the export pipeline and returns the client. A
 * second call returns the existing client with a warning; after `shutdown()` it starts afresh.
 * Throws `AgentOpsConfigError` for an option it cannot use.
 *
 * @example agentops.init({ apiKey: process.env.AGENTOPS_API_KEY, exporters: [new ConsoleSpanExporter()] })
 */
export function init(options?: InitOptions): Client {
  const env = process.env as Env;
  if (current) {
    current.logger.once('init:twice', 'warn', 'init() called again: returning the existing client. Call shutdown() first to start afresh.');
    return current;
  }
  const logger = resolveLogger(options ?? {}, env);
  const config = resolveConfig(options, env, logger);
  const client = new Client(config, logger);
  setCurrent(client);
  return client;
}

/** The current client, if `init()` was called and `shutdown()` was not. */
export function getClient(): Client | undefined {
  return current;
}

function clientOrDisabled(what: string): Client {
  if (current) return current;
  disabledClient ??= new Client(resolveConfig({ enabled: false }, {}, new SdkLogger('warn')), new SdkLogger('warn'));
  disabledClient.logger.once(`uninitialized:${what}`, 'warn', `${what}() called before init(): nothing is recorded. Call agentops.init() first.`);
  return disabledClient;
}

/** Starts a session on the current client. Before `init()`, returns a session that records nothing. */
export function startSession(options?: SessionOptions): Session {
  return clientOrDisabled('startSession').startSession(options);
}

/** Records an event into the active session, else the only open one, else the newest. Never throws. */
export function record(event: Event): void {
  if (current) current.record(event);
  else clientOrDisabled('record');
}

/** Ends the session `record()` would use (the active, only or newest open session). */
export function endSession(state?: EndState, reason?: string): void {
  if (current) current.endSession(state, reason);
}

/** The session made active by `session.run()`, if any. */
export function activeSession(): Session | undefined {
  return current?.activeSession();
}

export function flush(timeoutMs?: number): Promise<boolean> {
  return current ? current.flush(timeoutMs) : Promise.resolve(true);
}

export function shutdown(timeoutMs?: number): Promise<void> {
  return current ? current.shutdown(timeoutMs) : Promise.resolve();
}

/** Opt-in: end open sessions as `Fail` and flush on an uncaught exception, then let Node exit as it would. */
export function endOnUncaught(): void {
  if (current) current.endOnUncaught();
}

export function stats(): ClientStats | undefined {
  return current?.stats();
}

/**
 * Records your own metrics through the current client (a no-op before `init()`, after
 * `shutdown()`, or with metrics off).
 *
 * @example agentops.meter.measureDuration('retrieval.duration', () => search(q), { 'index.name': 'docs' })
 */
export const meter: Meter = {
  recordCounter(name, value, attributes) {
    (current?.meter ?? NOOP_METER).recordCounter(name, value, attributes);
  },
  recordHistogram(name, value, attributes) {
    (current?.meter ?? NOOP_METER).recordHistogram(name, value, attributes);
  },
  measureDuration(name, fn, attributes) {
    return (current?.meter ?? NOOP_METER).measureDuration(name, fn, attributes);
  },
};
