/** Your own TracerProvider: the span processors that send where agentops would, and the pipelines behind them. */
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { resolveConfig, resolveLogger, type Env, type InitOptions } from './config';
import { current } from './current-client';
import { buildPipeline, type Pipeline } from './export/pipeline';
import { GenAiSpanProcessor } from './metrics/genai-span-processor';
import { PriceBook } from './metrics/pricing';
import { spanNameCleaner } from './serialize/span-name';

// Pipelines built by spanProcessors() for a provider the user owns; the client flushes and reports them.
export const byoPipelines: Pipeline[] = [];

/**
 * The span processors that send to the configured destinations (the AgentOps backend, your
 * collector, `exporters`) and derive cost and metrics, for your own TracerProvider. Use them with
 * `SessionIdGenerator`, then `init({ tracerProvider })`.
 *
 * @example new TracerProvider({ idGenerator: new SessionIdGenerator(), spanProcessors: agentops.spanProcessors({ apiKey }) })
 */
export function spanProcessors(options?: InitOptions): SpanProcessor[] {
  const env = process.env as Env;
  const logger = resolveLogger(options ?? {}, env);
  const config = resolveConfig(options, env, logger);
  if (!config.enabled) return [];
  const pipeline = buildPipeline(config, logger);
  byoPipelines.push(pipeline);
  pipeline.addDropListener((destination, reason, spans) => current?.genaiMetrics()?.recordDropped(destination, reason, spans));
  const genai = new GenAiSpanProcessor(new PriceBook(config.pricing), (traceId) => current?.sessionByTraceId(traceId), () => current?.genaiMetrics(), logger, spanNameCleaner(config, logger));
  return [genai, ...pipeline.processors];
}
