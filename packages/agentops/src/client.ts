/**
 * The Client: owns the TracerProvider, the export pipeline and the metrics from `init()` until
 * `shutdown()`, and the sessions recorded with them. The module-level functions (`init`,
 * `startSession`, `record`, ...) in api.ts act on the one current client.
 */
import { context, propagation, trace, type TextMapPropagator, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { Sampler, TracerProvider as SdkTracerProvider } from '@opentelemetry/sdk-trace';
import type { ClientStats } from './client-stats';
import type { Config } from './config';
import { current, setCurrent } from './current-client';
import { raceDeadline, validTimeout } from './deadline';
import { globalContextAccess, privateContextAccess, SESSION_KEY, type ContextAccess } from './context';
import type { Event } from './events/event';
import { EventRecorder } from './events/event-recorder';
import type { ContentPolicy } from './events/span-mapping';
import { metricStats, type DestinationStats, type MetricDestinationStats } from './export/destination-stats';
import type { Pipeline } from './export/pipeline';
import type { SdkLogger, LogLevel } from './log';
import type { GenAiMetrics } from './metrics/genai-metrics';
import { buildPropagator, continueRemoteSession, injectSession } from './propagation';
import { buildProviders } from './providers';
import type { VendorAuth } from './export/vendor-auth';
import { contentTransform } from './serialize/content-transform';
import { NOOP_METER, type Meter } from './metrics/meter';
import type { MetricsSetup } from './metrics/metrics-setup';
import { applyInstrumentation, removeInstrumentation } from './integrations/instrument';
import { Session, type EndState, type SessionHost, type SessionOptions } from './session/session';
import { ExitHooks, type ExitTarget } from './session/exit-hooks';
import { SessionRegistry } from './session/session-registry';
import { StaleSweeper } from './session/stale-sweeper';
import { startSessionSpan } from './session/session-starter';
import { buildSampler } from './sampling';
import { byoPipelines } from './span-processors';
import { logContextOf, logToSpan } from './span-logger';
import { VERSION } from './version';

const DEFAULT_TIMEOUT_MS = 5000;

export class Client implements SessionHost, ExitTarget {
  readonly config: Config;
  readonly enabled: boolean;
  /** The provider sessions are recorded with (yours with `init({ tracerProvider })`); undefined when disabled. */
  readonly tracerProvider: TracerProvider | undefined;
  /** @internal How `inject()` / `continueSession()` read and write carriers. */
  readonly propagator: TextMapPropagator;
  /** @internal */ readonly logger: SdkLogger;
  /** @internal */ readonly recorder: EventRecorder;
  /** @internal */ readonly contextAccess: ContextAccess;
  /** @internal */ readonly tracer: Tracer | undefined;
  readonly appUrl: string;
  readonly announceUrls: boolean;
  private readonly pipeline: Pipeline | undefined;
  private readonly metricsSetup: MetricsSetup | undefined;
  /** Records your own metrics (a no-op when metrics are off). */
  readonly meter: Meter;
  private readonly registry = new SessionRegistry();
  private readonly registeredGlobalProvider: boolean = false;
  private readonly registeredContextManager: AsyncLocalStorageContextManager | undefined;
  private readonly registeredPropagator: boolean = false;
  private readonly privateContextManager: AsyncLocalStorageContextManager | undefined;
  /** The provider this client built (not one the user passed). */
  private readonly ownProvider: SdkTracerProvider | undefined;
  private readonly metricsAuth: VendorAuth | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private eventsWithoutSession = 0;
  private readonly exitHooks: ExitHooks | undefined;
  private readonly sweeper: StaleSweeper | undefined;
  private auto: Session | undefined;
  /** Decides, from its trace id alone, whether a session is sampled: resumed turns ask it too. */
  private readonly sessionSampler: Sampler | undefined;

  /** @internal Use `init()`. */
  constructor(config: Config, logger: SdkLogger) {
    this.config = config;
    this.logger = logger;
    this.enabled = config.enabled;
    this.appUrl = config.appUrl;
    this.announceUrls = config.logSessionUrl && config.apiKey !== undefined && config.enabled;
    this.propagator = buildPropagator(config.propagators);
    if (config.global || !config.enabled) {
      this.contextAccess = globalContextAccess;
    } else {
      // Isolated: our own AsyncLocalStorage, never registered, so another SDK's globals stay untouched.
      this.privateContextManager = new AsyncLocalStorageContextManager().enable();
      this.contextAccess = privateContextAccess(this.privateContextManager);
    }
    const policy: ContentPolicy = {
      capture: config.captureContent,
      limit: config.spanLimits.attributeValueLengthLimit,
      transform: contentTransform(config, logger),
      logger,
    };

    if (!config.enabled) {
      this.tracerProvider = undefined;
      this.tracer = undefined;
      this.pipeline = undefined;
      this.ownProvider = undefined;
      this.metricsAuth = undefined;
      this.metricsSetup = undefined;
      this.meter = NOOP_METER;
      this.recorder = new EventRecorder(trace.getTracer('agentops-disabled'), policy);
      this.sessionSampler = undefined;
      this.exitHooks = undefined;
      this.sweeper = undefined;
      return;
    }

    const built = buildProviders(config, logger, (traceId) => this.registry.byTraceId(traceId));
    this.pipeline = built.pipeline;
    this.metricsAuth = built.metricsAuth;
    this.metricsSetup = built.metrics;
    this.meter = built.metrics.meter;
    this.ownProvider = built.ownProvider;
    this.tracerProvider = built.tracerProvider;

    if (config.global) {
      // Register globally only where nothing is registered yet; never take over another SDK's globals.
      const cm = new AsyncLocalStorageContextManager();
      cm.enable();
      if (context.setGlobalContextManager(cm)) {
        this.registeredContextManager = cm;
      } else {
        cm.disable();
      }
      if (this.ownProvider) {
        if (trace.setGlobalTracerProvider(this.ownProvider)) {
          this.registeredGlobalProvider = true;
        } else {
          logger.once(
            'global-provider-taken',
            'warn',
            'another OpenTelemetry TracerProvider is already registered globally: agentops records its sessions with its own provider and leaves yours in place. To send your spans through agentops too, add agentops.spanProcessors() to your provider (see docs/opentelemetry.md), or pass init({ global: false }) to silence this.',
          );
        }
      }
      if (propagation.setGlobalPropagator(this.propagator)) this.registeredPropagator = true;
    }
    this.tracer = built.tracerProvider.getTracer('agentops', VERSION);
    this.recorder = new EventRecorder(this.tracer, policy);
    this.sweeper = new StaleSweeper(this.registry, config.sessionTtlMs);
    this.exitHooks = config.handleExit ? new ExitHooks(this, config.exitTimeoutMs, logger) : undefined;
    this.exitHooks?.install();
    this.sessionSampler = buildSampler(config.sampling);
    // Patched LLM clients record into this client until shutdown().
    applyInstrumentation(this, config.instrument);
  }

  /** @internal Ends every open session (process exit, shutdown, uncaught exception). */
  endAllOpen(reason: string, state: 'Indeterminate' | 'Fail' = 'Indeterminate'): void {
    for (const s of this.registry.all()) s.end(state, reason);
  }

  /**
   * Opt-in: on an uncaught exception or unhandled rejection, end the open sessions as `Fail`, flush,
   * then let Node report the error and exit as it would have.
   */
  endOnUncaught(): void {
    if (!this.exitHooks) {
      this.logger.once('endOnUncaught:off', 'warn', 'endOnUncaught() needs handleExit (and the SDK enabled); ignored');
      return;
    }
    this.exitHooks.endOnUncaught();
  }

  /**
   * The session `autoStartSession` opened, if any: it opens when something is recorded with no
   * session open, and ends at `shutdown()` or exit.
   */
  get autoSession(): Session | undefined {
    return this.auto;
  }

  /**
   * Starts a session: a new trace whose root span is the session span; with `resume: true`, a turn
   * of the session `sessionId` names, under its session span. Never throws on bad input.
   */
  startSession(options: SessionOptions = {}): Session {
    const start = startSessionSpan(
      { tracer: this.tracer, logger: this.logger, policy: this.recorder.policy, defaultTags: this.config.defaultTags, sampler: this.sessionSampler },
      options,
    );
    const session = new Session(this, start.span, start.id, start.name, start.tags, false, start.turn, start.userId);
    if (this.enabled) {
      this.registry.add(session);
      if (this.announceUrls) this.logger.announce(`session ${start.id} ${start.turn ? 'resumed' : 'started'}: ${session.url}`);
    }
    return session;
  }

  /**
   * The session `record()` would use now: the active one, else the only open one, else the newest.
   * With `open` (what recording asks) and `autoStartSession` on, a session is opened when none is.
   */
  currentSession(open = false): Session | undefined {
    const active = this.contextAccess.active().getValue(SESSION_KEY);
    if (active instanceof Session) return active;
    const only = this.registry.only();
    if (only) return only;
    const newest = this.registry.newest();
    if (newest) {
      this.logger.once(
        'record:ambiguous',
        'warn',
        `${this.registry.size} sessions are open and none is active here: recording into the newest. Use session.record() or session.run() to choose (reported once)`,
      );
      return newest;
    }
    if (open && this.enabled && this.config.autoStartSession && this.shutdownPromise === undefined) {
      this.auto = this.startSession({ name: 'session' });
      return this.auto;
    }
    return undefined;
  }

  /** The session made active by `session.run()` around the caller, if any. */
  activeSession(): Session | undefined {
    const active = this.contextAccess.active().getValue(SESSION_KEY);
    return active instanceof Session ? active : undefined;
  }

  /** Records into the active session, else the only open one, else the newest (with a one-time warning). */
  record(event: Event): void {
    if (!this.enabled) return;
    const session = this.currentSession(true);
    if (session === undefined) {
      this.eventsWithoutSession++;
      this.logger.once('record:no-session', 'warn', 'record() with no session open: the event is dropped. Call startSession() first (reported once; counted in stats().eventsWithoutSession)');
      return;
    }
    session.record(event);
  }

  /** Ends the session `record()` would use. */
  endSession(state?: EndState, reason?: string): void {
    const session = this.currentSession();
    if (session === undefined) {
      this.logger.once('end:no-session', 'warn', 'endSession() with no session open: nothing to end (reported once)');
      return;
    }
    session.end(state, reason);
  }

  openSessions(): Session[] {
    return this.registry.all();
  }

  /** @internal */
  sessionEnded(session: Session): void {
    this.registry.remove(session);
  }

  /**
   * Sends every span ended so far to every destination. Resolves within `timeoutMs` (true when all
   * confirmed delivery), even when a destination is down; never rejects. Open sessions stay open.
   */
  async flush(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
    if (!this.enabled) return true;
    const t = validTimeout(timeoutMs, DEFAULT_TIMEOUT_MS);
    try {
      const pipelines = this.pipelines();
      const both = Promise.all([...pipelines.map((p) => p.flush(t)), this.metricsSetup?.flush(t) ?? true]).then((r) => r.every(Boolean));
      return await raceDeadline(both, t + 50, false, true);
    } catch {
      return false;
    }
  }

  /**
   * Ends open sessions as `Indeterminate` (reason `shutdown`), flushes every destination and releases
   * sockets, timers and global registrations. Resolves within `timeoutMs`; never rejects. After it,
   * `init()` starts afresh.
   */
  shutdown(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    const t = validTimeout(timeoutMs, DEFAULT_TIMEOUT_MS);
    // Patched LLM clients fall through to the original methods from here on.
    if (this.enabled) removeInstrumentation(this);
    this.shutdownPromise = raceDeadline(this.doShutdown(t), t + 100, undefined, true).catch(() => undefined);
    if (current === this) setCurrent(undefined);
    return this.shutdownPromise;
  }

  private async doShutdown(timeoutMs: number): Promise<void> {
    this.exitHooks?.uninstall();
    this.sweeper?.stop();
    this.endAllOpen('shutdown');
    if (this.registeredGlobalProvider) trace.disable();
    if (this.registeredContextManager) context.disable();
    if (this.registeredPropagator) propagation.disable();
    this.privateContextManager?.disable();
    if (!this.enabled) return;
    if (this.pipeline) {
      await Promise.all([this.pipeline.shutdown(timeoutMs), this.metricsSetup?.shutdown(timeoutMs)]);
    } else {
      // Your provider owns the processors spanProcessors() gave it: flush them, it shuts them down.
      await Promise.all([...byoPipelines.map((p) => p.flush(timeoutMs)), this.metricsSetup?.shutdown(timeoutMs)]);
    }
    await this.metricsAuth?.close();
    // The pipeline's processors are already shut down; this releases the provider's own state.
    if (this.ownProvider) await raceDeadline(this.ownProvider.shutdown(), 100, undefined);
  }

  /** Counters per destination and of sessions; a copy, safe to keep. */
  stats(): ClientStats {
    const destinations: Record<string, DestinationStats> = {};
    for (const p of this.pipelines()) for (const d of p.destinations) destinations[d.name] = { ...d, spansDropped: { ...d.spansDropped } };
    const metrics: Record<string, MetricDestinationStats> = {};
    for (const d of this.metricsSetup?.destinations ?? []) metrics[d.name] = metricStats(d);
    return {
      destinations,
      metrics,
      sessions: { open: this.registry.size, started: this.registry.started, ended: this.registry.ended },
      eventsWithoutSession: this.eventsWithoutSession,
    };
  }

  /** The pipelines whose destinations this client reports and flushes. */
  private pipelines(): Pipeline[] {
    return this.pipeline ? [this.pipeline] : this.config.tracerProvider ? byoPipelines : [];
  }

  /** @internal The built-in GenAI instruments, when metrics are on. */
  genaiMetrics(): GenAiMetrics | undefined {
    return this.metricsSetup?.genai;
  }

  /** @internal The open session whose trace this is. */
  sessionByTraceId(traceId: string): Session | undefined {
    return this.registry.byTraceId(traceId);
  }

  /**
   * Writes the active context into `carrier` (W3C `traceparent`/`tracestate`, or B3, and `baggage`
   * with `session.id`), so that another service can continue the session.
   */
  inject<C extends object>(carrier: C): C {
    return injectSession(this, carrier);
  }

  /**
   * Runs `fn` inside the session another process injected into `carrier`: spans recorded by `fn`
   * land in that session's trace, under the caller's span. Without a valid context in the carrier,
   * `fn` runs as it would without the SDK (reported once).
   */
  continueSession<T>(carrier: unknown, fn: () => T): T {
    return continueRemoteSession(this, carrier, fn);
  }

  /** @internal Adds a log line to the active span as a `log` event, and forwards it when configured. */
  log(level: Exclude<LogLevel, 'silent'>, message: string, attributes?: Record<string, unknown>): void {
    logToSpan(this, level, message, attributes);
  }

  /** `{ trace_id, span_id, session_id }` of the active span and session, for any logger; `{}` outside. */
  logContext(): { trace_id?: string; span_id?: string; session_id?: string } {
    return logContextOf(this);
  }

  /** @internal The vendor's project id, once the auth exchange succeeded. */
  get projectId(): string | undefined {
    return this.pipeline?.auth?.projectId;
  }
}
