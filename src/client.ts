/**
 * init / shutdown lifecycle. The Client owns the TracerProvider and the export pipeline; the
 * module-level functions (`init`, `startSession`, `record`, ...) act on the one current client.
 */
import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT, trace, TraceFlags, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { resolveConfig, resolveLogger, type Config, type Env, type InitOptions } from './config';
import { globalContextAccess, SESSION_KEY, type ContextAccess } from './context';
import type { Event } from './events/event';
import { EventRecorder } from './events/event-recorder';
import type { ContentPolicy } from './events/span-mapping';
import { setCustomAttributes } from './events/span-mapping';
import type { DestinationStats } from './export/destination-stats';
import { buildPipeline, type Pipeline } from './export/pipeline';
import { applyInstrumentation, removeInstrumentation } from './instrumentation/instrument';
import { SdkLogger } from './log';
import { buildResource } from './resource';
import { AGENTOPS_SPAN_KIND, AGENTOPS_TAGS, SESSION_ID } from './semconv';
import { Session, type EndState, type SessionHost, type SessionOptions } from './session/session';
import { SessionIdGenerator, withPendingTraceId } from './session/session-id-generator';
import { SessionRegistry } from './session/session-registry';
import { isUuid, sessionIdToTraceId } from './session/trace-id';
import { VERSION } from './version';

/** A snapshot of the SDK's counters. */
export interface ClientStats {
  /** Per destination (`vendor`, `collector`, `exporter[0]:InMemorySpanExporter`, ...). */
  destinations: Record<string, DestinationStats>;
  sessions: { open: number; started: number; ended: number };
  /** Events recorded with no session open (dropped, reported once). */
  eventsWithoutSession: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const randomIds = new RandomIdGenerator();

export class Client implements SessionHost {
  readonly config: Config;
  readonly enabled: boolean;
  /** The provider sessions are recorded with; undefined when disabled. */
  readonly tracerProvider: NodeTracerProvider | undefined;
  /** @internal */ readonly logger: SdkLogger;
  /** @internal */ readonly recorder: EventRecorder;
  /** @internal */ readonly contextAccess: ContextAccess;
  /** @internal */ readonly tracer: Tracer | undefined;
  readonly appUrl: string;
  readonly announceUrls: boolean;
  private readonly pipeline: Pipeline | undefined;
  private readonly registry = new SessionRegistry();
  private readonly registeredGlobalProvider: boolean = false;
  private readonly registeredContextManager: AsyncLocalStorageContextManager | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private eventsWithoutSession = 0;
  /** The session `autoStartSession` opened, if any. */
  readonly autoSession: Session | undefined;

  /** @internal Use `init()`. */
  constructor(config: Config, logger: SdkLogger) {
    this.config = config;
    this.logger = logger;
    this.enabled = config.enabled;
    this.appUrl = config.appUrl;
    this.announceUrls = config.logSessionUrl && config.apiKey !== undefined && config.enabled;
    this.contextAccess = globalContextAccess;
    const policy: ContentPolicy = {
      capture: config.captureContent,
      limit: config.spanLimits.attributeValueLengthLimit,
      transform: undefined,
      logger,
    };

    if (!config.enabled) {
      this.tracerProvider = undefined;
      this.tracer = undefined;
      this.pipeline = undefined;
      this.recorder = new EventRecorder(trace.getTracer('agentops-disabled'), policy);
      this.autoSession = undefined;
      return;
    }

    this.pipeline = buildPipeline(config, logger);
    if (this.pipeline.processors.length === 0) {
      logger.once(
        'no-destination',
        'warn',
        'no API key (AGENTOPS_API_KEY), no OTLP_EXPORTER_ENDPOINT and no exporters: sessions are recorded but sent nowhere. Run `npx agentops serve` for a local backend.',
      );
    } else if (config.apiKey === undefined) {
      logger.info('no API key: nothing is sent to the AgentOps backend; spans go to the other configured destinations');
    }
    const provider = new NodeTracerProvider({
      resource: buildResource(config),
      idGenerator: new SessionIdGenerator(),
      spanLimits: config.spanLimits,
      spanProcessors: [...this.pipeline.processors],
    });
    this.tracerProvider = provider;

    // Register globally only where nothing is registered yet; never take over another SDK's globals.
    const cm = new AsyncLocalStorageContextManager();
    cm.enable();
    if (context.setGlobalContextManager(cm)) {
      this.registeredContextManager = cm;
    } else {
      cm.disable();
    }
    if (trace.setGlobalTracerProvider(provider)) {
      this.registeredGlobalProvider = true;
    } else {
      logger.once(
        'global-provider-taken',
        'warn',
        'another OpenTelemetry TracerProvider is already registered globally: agentops records its sessions with its own provider and leaves yours in place. To send your spans through agentops too, add agentops.spanProcessors() to your provider.',
      );
    }
    this.tracer = provider.getTracer('agentops', VERSION);
    this.recorder = new EventRecorder(this.tracer, policy);
    this.autoSession = config.autoStartSession ? this.startSession({ name: 'session' }) : undefined;
    // Patched LLM clients record into this client until shutdown().
    applyInstrumentation(this, config.instrument);
  }

  /** Starts a session: a new trace whose root span is the session span. Never throws on bad input. */
  startSession(options: SessionOptions = {}): Session {
    const o: SessionOptions = options !== null && typeof options === 'object' ? options : {};
    let id = typeof o.sessionId === 'string' && o.sessionId !== '' ? o.sessionId : undefined;
    if (o.sessionId !== undefined && id === undefined) {
      this.logger.once('session:id', 'warn', 'startSession({ sessionId }) needs a non-empty string; a random UUID is used (reported once)');
    }
    id ??= randomUUID();
    const traceId = sessionIdToTraceId(id);
    if (!isUuid(id)) this.logger.debug(`session id ${JSON.stringify(id)} is not a UUID: trace id ${traceId} derived from its SHA-256`);
    const name = typeof o.name === 'string' && o.name !== '' ? o.name : 'session';
    let tags: string[] = [...this.config.defaultTags];
    if (o.tags !== undefined) {
      if (Array.isArray(o.tags) && o.tags.every((t) => typeof t === 'string')) tags = [...new Set([...tags, ...o.tags])];
      else this.logger.once('session:tags', 'warn', 'startSession({ tags }) needs an array of strings; tags ignored (reported once)');
    }

    let span: Span;
    if (this.tracer === undefined) {
      span = trace.wrapSpanContext({ traceId, spanId: randomIds.generateSpanId(), traceFlags: TraceFlags.NONE });
    } else {
      const tracer = this.tracer;
      // The session span is a root: never under whatever span happens to be active.
      span = withPendingTraceId(traceId, () => tracer.startSpan(name, { root: true }, ROOT_CONTEXT));
      if (span.isRecording()) {
        span.setAttribute(SESSION_ID, id);
        span.setAttribute(AGENTOPS_SPAN_KIND, 'session');
        if (tags.length > 0) span.setAttribute(AGENTOPS_TAGS, tags);
        if (o.attributes !== undefined) setCustomAttributes(span, o.attributes, this.recorder.policy, 'startSession.attributes');
      }
      const actual = span.spanContext().traceId;
      if (actual !== traceId) {
        this.logger.once('trace-id-mismatch', 'warn', 'the TracerProvider in use does not generate session trace ids (use SessionIdGenerator): session ids will not equal trace ids');
      }
    }
    const session = new Session(this, span, id, name, tags);
    if (this.enabled) {
      this.registry.add(session);
      if (this.announceUrls) this.logger.announce(`session ${id} started: ${session.url}`);
    }
    return session;
  }

  /** The session `record()` would use now: the active one, else the only open one, else the newest. */
  currentSession(): Session | undefined {
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
    }
    return newest;
  }

  /** The session made active by `session.run()` around the caller, if any. */
  activeSession(): Session | undefined {
    const active = this.contextAccess.active().getValue(SESSION_KEY);
    return active instanceof Session ? active : undefined;
  }

  /** Records into the active session, else the only open one, else the newest (with a one-time warning). */
  record(event: Event): void {
    if (!this.enabled) return;
    const session = this.currentSession();
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
    if (!this.pipeline) return true;
    try {
      return await withDeadline(this.pipeline.flush(validTimeout(timeoutMs)), validTimeout(timeoutMs) + 50, false);
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
    const t = validTimeout(timeoutMs);
    // Patched LLM clients fall through to the original methods from here on.
    if (this.enabled) removeInstrumentation(this);
    this.shutdownPromise = withDeadline(this.doShutdown(t), t + 100, undefined).catch(() => undefined);
    if (current === this) current = undefined;
    return this.shutdownPromise;
  }

  private async doShutdown(timeoutMs: number): Promise<void> {
    for (const s of this.registry.all()) s.end('Indeterminate', 'shutdown');
    if (this.registeredGlobalProvider) trace.disable();
    if (this.registeredContextManager) context.disable();
    if (!this.pipeline || !this.tracerProvider) return;
    await this.pipeline.shutdown(timeoutMs);
    // The pipeline's processors are already shut down; this releases the provider's own state.
    await withDeadline(this.tracerProvider.shutdown().catch(() => undefined), 100, undefined);
  }

  /** Counters per destination and of sessions; a copy, safe to keep. */
  stats(): ClientStats {
    const destinations: Record<string, DestinationStats> = {};
    for (const d of this.pipeline?.destinations ?? []) destinations[d.name] = { ...d, spansDropped: { ...d.spansDropped } };
    return {
      destinations,
      sessions: { open: this.registry.size, started: this.registry.started, ended: this.registry.ended },
      eventsWithoutSession: this.eventsWithoutSession,
    };
  }

  /** @internal The vendor's project id, once the auth exchange succeeded. */
  get projectId(): string | undefined {
    return this.pipeline?.auth?.projectId;
  }
}

function validTimeout(ms: unknown): number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_TIMEOUT_MS;
}

function withDeadline<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

// ---- the module-level API: one current client ----

let current: Client | undefined;
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
  current = new Client(config, logger);
  return current;
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

export function stats(): ClientStats | undefined {
  return current?.stats();
}

