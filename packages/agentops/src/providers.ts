/**
 * What an enabled Config turns into: the export pipeline, the metrics and the TracerProvider, built
 * in this order because each needs the one before. The Client owns them until `shutdown()`.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { TracerProvider as SdkTracerProvider } from '@opentelemetry/sdk-trace';
import type { Config } from './config';
import { buildPipeline, type Pipeline } from './export/pipeline';
import { VendorAuth } from './export/vendor-auth';
import type { SdkLogger } from './log';
import { GenAiSpanProcessor } from './metrics/genai-span-processor';
import { buildMetrics, type MetricsSetup } from './metrics/metrics-setup';
import { PriceBook } from './metrics/pricing';
import { buildResource } from './resource';
import { buildSampler } from './sampling';
import type { Session } from './session/session';
import { SessionIdGenerator } from './session/session-id-generator';
import { spanNameCleaner } from './serialize/span-name';
import { USER_AGENT } from './version';

export interface Providers {
  /** Undefined with your own provider (`init({ tracerProvider })`). */
  readonly pipeline: Pipeline | undefined;
  /** With your own provider and an API key: the metrics' own auth exchange. */
  readonly metricsAuth: VendorAuth | undefined;
  readonly metrics: MetricsSetup;
  /** The provider built here (not one the user passed). */
  readonly ownProvider: SdkTracerProvider | undefined;
  /** What sessions are recorded with: `ownProvider`, or yours. */
  readonly tracerProvider: TracerProvider;
}

export function buildProviders(config: Config, logger: SdkLogger, sessionByTraceId: (traceId: string) => Session | undefined): Providers {
  const resource = buildResource(config);
  const byo = config.tracerProvider;
  // With your own provider, spans go through the processors spanProcessors() gave you; metrics
  // still need the vendor's token, so they get an auth exchange of their own.
  const pipeline = byo ? undefined : buildPipeline(config, logger);
  const metricsAuth =
    byo && config.apiKey !== undefined ? new VendorAuth(config.apiEndpoint, config.apiKey, config.delivery.requestTimeoutMs, USER_AGENT, logger) : undefined;
  const metrics = buildMetrics(config, resource, pipeline?.auth ?? metricsAuth, logger);
  if (metrics.genai && pipeline) {
    const genai = metrics.genai;
    pipeline.addDropListener((destination, reason, spans) => genai.recordDropped(destination, reason, spans));
  }

  if (!byo && pipeline && pipeline.processors.length === 0) {
    logger.once(
      'no-destination',
      'warn',
      'no API key (AGENTOPS_API_KEY), no OTLP_EXPORTER_ENDPOINT and no exporters: sessions are recorded but sent nowhere. For a local backend: npm install --save-dev @agentops/server, then npx agentops serve.',
    );
  } else if (!byo && config.apiKey === undefined) {
    logger.info('no API key: nothing is sent to the AgentOps backend; spans go to the other configured destinations');
  }

  let provider: TracerProvider;
  let ownProvider: SdkTracerProvider | undefined;
  if (byo) {
    provider = byo;
  } else {
    // First, so the cost it adds in onEnding is on the span before any exporter sees it.
    const genaiProcessor = new GenAiSpanProcessor(new PriceBook(config.pricing), sessionByTraceId, () => metrics.genai, logger, spanNameCleaner(config, logger));
    ownProvider = new SdkTracerProvider({
      resource,
      idGenerator: new SessionIdGenerator(),
      sampler: buildSampler(config.sampling),
      spanLimits: config.spanLimits,
      spanProcessors: [genaiProcessor, ...(pipeline?.processors ?? [])],
    });
    provider = ownProvider;
  }
  return { pipeline, metricsAuth, metrics, ownProvider, tracerProvider: provider };
}
