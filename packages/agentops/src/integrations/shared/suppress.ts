/**
 * A context key that tells the LLM client instrumentation a span for this model call already
 * exists (an AI SDK `ai.*.doGenerate` / `doStream` / `doEmbed` span), so the client call inside it
 * records no second LLM span.
 */
import { createContextKey, type Context } from '@opentelemetry/api';

export const SUPPRESS_LLM_SPAN_KEY = createContextKey('agentops.suppress-llm-span');

export function isLLMSpanSuppressed(ctx: Context): boolean {
  return ctx.getValue(SUPPRESS_LLM_SPAN_KEY) === true;
}
