/**
 * The model call of the OpenAI Agents SDK's OpenAI models (`OpenAIResponsesModel`,
 * `OpenAIChatCompletionsModel`): `getResponse` and `getStreamedResponse` are wrapped so that each
 * call is one `chat {model}` span under the agent that made it, with the usage the SDK returns
 * (which it reports whatever its own trace settings, unlike its `response` span). The call runs
 * inside that span's context, which carries the suppression key: the `openai` client underneath,
 * patched by the openai integration, records no second span, and the SDK's own response or
 * generation span opened inside is skipped by the trace processor.
 */
import { context, type Context } from '@opentelemetry/api';
import * as A from '../../semconv';
import type { LLMEvent } from '../../events/llm-event';
import { activeHost } from '../host';
import { isRecord } from '../shared/llm-adapter';
import type { AnyFunction } from '../shared/patch';
import { fillResponse, requestEvent } from './mapping';
import type { AgentsTraceProcessor } from './processor';

/** Reads the SDK's current span (its `getCurrentSpan`), to find the agent run a model call belongs to. */
export type CurrentSpan = () => { spanId?: unknown } | null | undefined;

let calls = 0;

interface Call {
  readonly id: string;
  readonly ctx: Context;
}

function modelName(model: unknown): string | undefined {
  // OpenAIResponsesModel keeps its model id in `_model`; the chat completions model keeps it private (read from the response).
  const m = isRecord(model) ? model._model : undefined;
  return typeof m === 'string' && m !== '' ? m : undefined;
}

function begin(processor: AgentsTraceProcessor, currentSpan: CurrentSpan, self: unknown, request: unknown, stream: boolean): Call | undefined {
  if (!processor.active || activeHost() === undefined) return undefined;
  let parentSpanId: unknown;
  try {
    parentSpanId = currentSpan()?.spanId;
  } catch {
    parentSpanId = undefined;
  }
  const id = `agentops.model-call:${++calls}`;
  const parent = processor.resolve(typeof parentSpanId === 'string' ? parentSpanId : undefined);
  if (processor.tree.startLLM(id, parent, requestEvent(modelName(self), request, stream)) === undefined) return undefined;
  const ctx = processor.tree.context(id);
  return ctx === undefined ? undefined : { id, ctx };
}

function finish(processor: AgentsTraceProcessor, call: Call, response: unknown, error?: unknown): void {
  try {
    const tree = processor.tree;
    const event = tree.event<LLMEvent>(call.id);
    if (event !== undefined && error === undefined) {
      const named = event.model !== undefined;
      fillResponse(event, response);
      const span = tree.span(call.id);
      if (!named && event.model !== undefined && span !== undefined && span.isRecording()) {
        span.updateName(`${A.GEN_AI_OPERATION_CHAT} ${event.model}`);
        span.setAttribute(A.GEN_AI_REQUEST_MODEL, event.model);
      }
    }
    tree.end(call.id, error === undefined ? {} : { error });
  } catch {
    // RunTree reports its own failures; the caller's result is never touched.
  }
}

/** Wraps `getResponse(request)`: a promise of the SDK's ModelResponse. */
export function wrapGetResponse(processor: AgentsTraceProcessor, currentSpan: CurrentSpan): (original: AnyFunction) => AnyFunction {
  return (original) =>
    function getResponse(this: unknown, ...args: unknown[]): unknown {
      const call = begin(processor, currentSpan, this, args[0], false);
      if (call === undefined) return original.apply(this, args);
      let result: unknown;
      try {
        result = context.with(call.ctx, () => original.apply(this, args));
      } catch (err) {
        finish(processor, call, undefined, err);
        throw err;
      }
      // The caller gets the very promise the SDK returned; the span ends beside it.
      void Promise.resolve(result).then(
        (response) => finish(processor, call, response),
        (err: unknown) => finish(processor, call, undefined, err),
      );
      return result;
    };
}

/**
 * Wraps `getStreamedResponse(request)`: an async iterable of stream events. Each step of the
 * stream runs in the call's context; the `response_done` event carries the usage; a consumer that
 * stops early ends the span too.
 */
export function wrapGetStreamedResponse(processor: AgentsTraceProcessor, currentSpan: CurrentSpan): (original: AnyFunction) => AnyFunction {
  return (original) =>
    function getStreamedResponse(this: unknown, ...args: unknown[]): unknown {
      const call = begin(processor, currentSpan, this, args[0], true);
      if (call === undefined) return original.apply(this, args);
      let inner: AsyncIterator<unknown> & Partial<AsyncIterable<unknown>>;
      try {
        inner = context.with(call.ctx, () => original.apply(this, args) as AsyncIterator<unknown>);
      } catch (err) {
        finish(processor, call, undefined, err);
        throw err;
      }
      return recordStream(processor, call, inner);
    };
}

async function* recordStream(processor: AgentsTraceProcessor, call: Call, inner: AsyncIterator<unknown>): AsyncGenerator<unknown, void, undefined> {
  let done: unknown;
  let ended = false;
  try {
    for (;;) {
      const step = await context.with(call.ctx, () => inner.next());
      if (step.done === true) break;
      const ev = step.value;
      if (isRecord(ev) && ev.type === 'response_done') done = ev.response;
      yield ev;
    }
    ended = true;
    finish(processor, call, done);
  } catch (err) {
    ended = true;
    finish(processor, call, undefined, err);
    throw err;
  } finally {
    if (!ended) {
      // The consumer stopped early: close the SDK's stream, and end the span with what it got.
      finish(processor, call, done);
      await inner.return?.();
    }
  }
}
