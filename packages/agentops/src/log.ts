/** The SDK's own diagnostics. It never writes to the console unless the level lets it through. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** What a user can pass as `init({ logger })` to receive the SDK's messages instead of stderr. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
// Keys of once-only messages are bounded so that a caller producing endless distinct keys
// (a field name per event, say) cannot grow this set without limit.
const MAX_ONCE_KEYS = 1000;

const stderrLogger: Logger = {
  debug: (m) => process.stderr.write(`agentops debug: ${m}\n`),
  info: (m) => process.stderr.write(`agentops info: ${m}\n`),
  warn: (m) => process.stderr.write(`agentops warn: ${m}\n`),
  error: (m) => process.stderr.write(`agentops error: ${m}\n`),
};

export class SdkLogger {
  private readonly rank: number;
  private readonly sink: Logger;
  private readonly onceKeys = new Set<string>();
  private readonly lastByKey = new Map<string, number>();

  constructor(level: LogLevel = 'warn', sink: Logger = stderrLogger) {
    this.rank = RANK[level];
    this.sink = sink;
  }

  enabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return RANK[level] >= this.rank;
  }

  debug(message: string): void {
    if (RANK.debug >= this.rank) this.write('debug', message);
  }

  info(message: string): void {
    if (RANK.info >= this.rank) this.write('info', message);
  }

  warn(message: string): void {
    if (RANK.warn >= this.rank) this.write('warn', message);
  }

  error(message: string): void {
    if (RANK.error >= this.rank) this.write('error', message);
  }

  /**
   * A line the user wants by default (a session's viewer URL): shown at the default level `warn`
   * and below, hidden at `error` and `silent`.
   */
  announce(message: string): void {
    if (RANK.warn >= this.rank) this.write('info', message);
  }

  /** Logs `message` the first time `key` is seen; later calls with the same key are silent. */
  once(key: string, level: Exclude<LogLevel, 'silent'>, message: string): void {
    // A message this level hides needs no memory (else hidden debug keys, one per model, say,
    // would use up the room that later warnings need).
    if (RANK[level] < this.rank || this.onceKeys.has(key)) return;
    // Full: forget the oldest key rather than silence every new message.
    if (this.onceKeys.size >= MAX_ONCE_KEYS) this.onceKeys.delete(this.onceKeys.values().next().value as string);
    this.onceKeys.add(key);
    this.write(level, message);
  }

  /** Logs at most once per `intervalMs` for `key`; returns whether it logged. */
  throttled(key: string, intervalMs: number, level: Exclude<LogLevel, 'silent'>, message: string): boolean {
    const now = Date.now();
    const last = this.lastByKey.get(key);
    if (last !== undefined && now - last < intervalMs) return false;
    if (last === undefined && this.lastByKey.size >= MAX_ONCE_KEYS) this.lastByKey.delete(this.lastByKey.keys().next().value as string);
    this.lastByKey.set(key, now);
    if (RANK[level] >= this.rank) this.write(level, message);
    return true;
  }

  private write(level: Exclude<LogLevel, 'silent'>, message: string): void {
    // A user logger that throws must not turn a diagnostic into a crash of the agent.
    try {
      this.sink[level](message);
    } catch {
      /* ignored on purpose */
    }
  }
}

/** Shows only the last 4 characters of a secret, so logs can tell keys apart without leaking one. */
export function maskSecret(secret: string): string {
  return secret.length <= 4 ? '****' : `****${secret.slice(-4)}`;
}
