/**
 * Derives cost, session totals and the built-in metrics from spans as they end, whatever made them
 * (an event, a wrapper, an instrumented client, a user's own GenAI span). It runs in `onEnding`,
 * while the span still takes attributes, so `agentops.llm.cost_usd` reaches every exporter.
 */
import { SpanStatusCode, type Context } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SdkLogger } from '../log';
import * as A from '../semconv';
import { SESSION_KEY } from '../context';
import type { Session } from '../session/session';
import { setSessionAttributes } from '../session/session-attributes';
import type { NameCleaner } from '../serialize/span-name';
import type { GenAiMetrics } from './genai-metrics';
import { costOf, type PriceBook } from './pricing';

/** The GenAI operations that are model calls: counted, and priced. */
export const LLM_OPERATIONS: ReadonlySet<string> = new Set(['chat', 'text_completion', 'embeddings', 'generate_content']);

export type SessionLookup = (traceId: string) => Session | undefined;

export class GenAiSpanProcessor implements SpanProcessor {
  /**
   * `metrics` is read at each span: with `spanProcessors()` the processor exists before the client
   * that owns the metrics does.
   */
  constructor(
    private readonly prices: PriceBook,
    private readonly sessionOf: SessionLookup,
    private readonly metricsOf: () => GenAiMetrics | undefined,
    private readonly logger: SdkLogger,
    /** Truncates and redacts span names (serialize/span-name.ts). */
    private readonly cleanName?: NameCleaner,
  ) {}

  /**
   * Puts the span in its session (`session.id`, `gen_ai.conversation.id`, `user.id`) whoever starts
   * it: an event, an integration, another library's tracer or the user's own, under a session made
   * active by `session.run()` (the context says which) or in an open session's trace.
   */
  onStart(span: Span, parentContext: Context): void {
    try {
      if (this.cleanName !== undefined) {
        const name = span.name;
        const clean = this.cleanName(name);
        if (clean !== name) span.updateName(clean);
      }
      const active = parentContext.getValue(SESSION_KEY) as Session | undefined;
      const session = active !== undefined && typeof active === 'object' ? active : this.sessionOf(span.spanContext().traceId);
      if (session !== undefined && span.isRecording()) setSessionAttributes(span, session.id, session.userId);
    } catch (err) {
      this.logger.once('genai-processor:start', 'error', `putting a span in its session failed and was skipped: ${String(err)}`);
    }
  }

  onEnding(span: Span): void {
    try {
      this.process(span);
    } catch (err) {
      this.logger.once('genai-processor', 'error', `deriving cost and metrics from a span failed and was skipped: ${String(err)}`);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  private process(span: Span): void {
    const a = span.attributes;
    const metrics = this.metricsOf();
    const failed = span.status.code === SpanStatusCode.ERROR;
    const errorType = failed ? stringOr(a[A.ERROR_TYPE], '_OTHER') : undefined;

    if (a[A.AGENTOPS_SPAN_KIND] === 'session') {
      const state = stringOr(a[A.AGENTOPS_SESSION_END_STATE], 'Indeterminate');
      metrics?.recordSession(state, hrTimeToMilliseconds(span.duration) / 1000);
      return;
    }

    const session = this.sessionOf(span.spanContext().traceId);
    const totals = session?.totals;
    if (totals && failed) totals.errors++;

    const op = a[A.GEN_AI_OPERATION_NAME];
    if (typeof op !== 'string') return;
    if (LLM_OPERATIONS.has(op)) {
      const input = count(a[A.GEN_AI_USAGE_INPUT_TOKENS]);
      const output = count(a[A.GEN_AI_USAGE_OUTPUT_TOKENS]);
      const cached = count(a[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]);
      const written = count(a[A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]);
      const requestModel = stringOr(a[A.GEN_AI_REQUEST_MODEL], undefined);
      const responseModel = stringOr(a[A.GEN_AI_RESPONSE_MODEL], undefined);
      let cost = count(a[A.AGENTOPS_LLM_COST_USD]);
      if (cost === undefined && (input !== undefined || output !== undefined)) {
        const model = responseModel ?? requestModel;
        const price = model === undefined ? undefined : this.prices.find(model);
        if (price) {
          cost = costOf(price, input ?? 0, output ?? 0, cached ?? 0, written ?? 0);
          span.setAttribute(A.AGENTOPS_LLM_COST_USD, cost);
        } else if (model !== undefined) {
          this.logger.once(`price:${model}`, 'debug', `no price for model "${model}": its calls get no cost. Add it with init({ pricing })`);
        }
      }
      if (totals) {
        totals.llmCalls++;
        totals.inputTokens += input ?? 0;
        totals.outputTokens += output ?? 0;
        totals.cachedTokens += cached ?? 0;
        if (cost !== undefined) totals.costUsd = (totals.costUsd ?? 0) + cost;
        else totals.unpricedLlmCalls++;
      }
      metrics?.recordLlm(
        op,
        stringOr(a[A.GEN_AI_PROVIDER_NAME], undefined),
        requestModel,
        responseModel,
        errorType,
        input,
        output,
        hrTimeToMilliseconds(span.duration) / 1000,
        cost,
      );
    } else if (op === A.GEN_AI_OPERATION_EXECUTE_TOOL) {
      if (totals) totals.toolCalls++;
      metrics?.recordTool(stringOr(a[A.GEN_AI_TOOL_NAME], undefined), errorType);
    }
  }
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function stringOr<T extends string | undefined>(v: unknown, fallback: T): string | T {
  return typeof v === 'string' && v !== '' ? v : fallback;
}
