/**
 * What the SDK does when the process is about to go: on `beforeExit`, SIGTERM and SIGINT it ends the
 * open sessions as `Indeterminate` (reason `exit` or the signal) and flushes, within a bounded time.
 *
 * It never calls `process.exit` and installs no `uncaughtException` handler unless asked
 * (`endOnUncaught()`). A listener on SIGTERM/SIGINT replaces Node's default (exit at once), so
 * when the SDK's listener is the only one, it re-raises the signal after the flush: the process then
 * ends exactly as it would have without the SDK, with the same signal status.
 */
import type { SdkLogger } from '../log';

export interface ExitTarget {
  endAllOpen(reason: string, state?: 'Indeterminate' | 'Fail'): void;
  flush(timeoutMs: number): Promise<boolean>;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export class ExitHooks {
  private installed = false;
  private flushingFor: NodeJS.Signals | undefined;
  private beforeExitDone = false;
  private uncaught: ((err: unknown) => void) | undefined;

  constructor(
    private readonly target: ExitTarget,
    private readonly timeoutMs: number,
    private readonly logger: SdkLogger,
  ) {}

  install(): void {
    if (this.installed) return;
    this.installed = true;
    process.on('beforeExit', this.onBeforeExit);
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  uninstall(): void {
    if (this.installed) {
      this.installed = false;
      process.removeListener('beforeExit', this.onBeforeExit);
      for (const s of SIGNALS) process.removeListener(s, this.onSignal);
    }
    if (this.uncaught) {
      process.removeListener('uncaughtException', this.uncaught);
      this.uncaught = undefined;
    }
  }

  /**
   * Opt-in: on an uncaught exception (or an unhandled rejection, which Node raises as one), end the
   * open sessions as `Fail`, flush, then throw the same error again so that Node reports it and
   * exits as it would have.
   */
  endOnUncaught(): void {
    if (this.uncaught) return;
    const handler = (err: unknown): void => {
      process.removeListener('uncaughtException', handler);
      this.uncaught = undefined;
      const message = err instanceof Error ? err.message : String(err);
      try {
        this.target.endAllOpen(`uncaughtException: ${message}`.slice(0, 500), 'Fail');
      } catch {
        /* the original error matters more */
      }
      void this.target.flush(this.timeoutMs).finally(() => {
        setImmediate(() => {
          throw err;
        });
      });
    };
    this.uncaught = handler;
    process.on('uncaughtException', handler);
  }

  private readonly onBeforeExit = (): void => {
    // The flush schedules work, so the loop runs again and beforeExit fires once more: act once.
    if (this.beforeExitDone) return;
    this.beforeExitDone = true;
    this.target.endAllOpen('exit');
    void this.target.flush(this.timeoutMs);
  };

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    const alone = process.listenerCount(signal) === 1;
    if (this.flushingFor !== undefined) {
      // A second signal while flushing (Ctrl-C twice): stop waiting.
      if (alone) this.reraise(signal);
      return;
    }
    this.flushingFor = signal;
    try {
      this.target.endAllOpen(signal);
    } catch (err) {
      this.logger.once('exit:end', 'error', `ending sessions on ${signal} failed: ${String(err)}`);
    }
    void this.target.flush(this.timeoutMs).finally(() => {
      if (alone) this.reraise(signal);
      else this.flushingFor = undefined;
    });
  };

  private reraise(signal: NodeJS.Signals): void {
    this.uninstall();
    // Without our listener, the signal's default action ends the process with that signal.
    process.kill(process.pid, signal);
  }
}
