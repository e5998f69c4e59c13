/**
 * The Bedrock Runtime commands that are model calls, recognised by the command's class name
 * (`ConverseCommand`, ...) or, where a bundler renamed the class, by the operation schema recent
 * clients attach to each command (`[9, namespace, 'Converse', ...]`). Every other command
 * (`ApplyGuardrail`, `CountTokens`, async invocations) is not a model call and is not recorded.
 */
import type { LLMEvent, LLMEventInit } from '../../events/llm-event';
import { isRecord, type StreamAccumulator } from '../shared/llm-adapter';
import { ConverseEvents, converseRequestEvent, converseResponseInto } from './converse';
import { bodyJson, familyOf, InvokeModelChunks, invokeRequestEvent, invokeResponseInto, type Family } from './invoke-model';

export interface Operation {
  /** The member of the output holding the event stream the caller iterates; undefined for a plain reply. */
  readonly streamKey: 'stream' | 'body' | undefined;
  request(input: Record<string, unknown>, capture: boolean): { init: LLMEventInit; family: Family };
  /** Reads a plain reply into the event. */
  response(event: LLMEvent, output: Record<string, unknown>, family: Family, capture: boolean): void;
  /** A fresh accumulator for the events of one streamed reply. */
  stream(family: Family, capture: boolean): StreamAccumulator;
}

const NO_STREAM = (): StreamAccumulator => ({ add: () => undefined, apply: () => undefined });

const converse: Operation = {
  streamKey: undefined,
  request: (input, capture) => ({ init: converseRequestEvent(input, false, capture), family: 'other' }),
  response: (event, output, _family, capture) => converseResponseInto(event, output, capture),
  stream: NO_STREAM,
};

const converseStream: Operation = {
  streamKey: 'stream',
  request: (input, capture) => ({ init: converseRequestEvent(input, true, capture), family: 'other' }),
  response: () => undefined,
  stream: (_family, capture) => new ConverseEvents(capture),
};

function invokeRequest(input: Record<string, unknown>, streamed: boolean, capture: boolean): { init: LLMEventInit; family: Family } {
  const body = bodyJson(input.body);
  const family = familyOf(typeof input.modelId === 'string' ? input.modelId : undefined, body);
  return { init: invokeRequestEvent(input, body, family, streamed, capture), family };
}

const invokeModel: Operation = {
  streamKey: undefined,
  request: (input, capture) => invokeRequest(input, false, capture),
  response(event, output, family, capture) {
    const body = bodyJson(output.body);
    if (body !== undefined) invokeResponseInto(event, family, body, capture);
  },
  stream: NO_STREAM,
};

const invokeModelStream: Operation = {
  streamKey: 'body',
  request: (input, capture) => invokeRequest(input, true, capture),
  response: () => undefined,
  stream: (family, capture) => new InvokeModelChunks(family, capture),
};

const BY_COMMAND = new Map<string, Operation>([
  ['ConverseCommand', converse],
  ['ConverseStreamCommand', converseStream],
  ['InvokeModelCommand', invokeModel],
  ['InvokeModelWithResponseStreamCommand', invokeModelStream],
]);
const BY_OPERATION = new Map<string, Operation>([
  ['Converse', converse],
  ['ConverseStream', converseStream],
  ['InvokeModel', invokeModel],
  ['InvokeModelWithResponseStream', invokeModelStream],
]);

/** The operation a command performs when it is a model call; undefined for anything else. Never throws. */
export function operationOf(command: unknown): Operation | undefined {
  if (!isRecord(command)) return undefined;
  try {
    const byName = BY_COMMAND.get((command.constructor as { name?: unknown } | undefined)?.name as string);
    if (byName !== undefined) return byName;
    const schema = command.schema;
    return Array.isArray(schema) && typeof schema[2] === 'string' ? BY_OPERATION.get(schema[2]) : undefined;
  } catch {
    return undefined;
  }
}
