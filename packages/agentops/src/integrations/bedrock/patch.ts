/**
 * AWS Bedrock Runtime instrumentation (`@aws-sdk/client-bedrock-runtime`): `Converse`,
 * `ConverseStream`, `InvokeModel` and `InvokeModelWithResponseStream`, recorded in the client's
 * `send`, patched on `BedrockRuntimeClient.prototype` (or on one client instance).
 *
 * Why `send` rather than the client's middleware stack: every call goes through it, whether made as
 * `client.send(new ConverseCommand(...))` or through the aggregated client's methods
 * (`BedrockRuntime.converse()` calls `this.send`); one patch on the class covers clients created
 * before `init()` as well as after, where middleware has to be added to each client's own stack as it
 * is built (and the class cannot be wrapped in an ES module's live binding); and it sees the call
 * once, around the SDK's retries. Smithy's shared `Client.prototype.send` is left alone: other AWS
 * clients are not touched.
 */
import type { Context } from '@opentelemetry/api';
import { LLMEvent } from '../../events/llm-event';
import { isThenable } from '../../watch/watch-result';
import { activeHost } from '../host';
import type { Integration, TargetKind } from '../integration';
import { isRecord } from '../shared/llm-adapter';
import { internalFailure } from '../shared/llm-call';
import { isPatched, patchMethod, unpatchAll, type AnyFunction } from '../shared/patch';
import { isLLMSpanSuppressed } from '../shared/suppress';
import { operationOf } from './operations';
import { startSend, type SendCall } from './send-call';

const NAME = 'bedrock';
const CLIENT = 'BedrockRuntimeClient';
const AGGREGATED = 'BedrockRuntime';

function wrapSend(original: AnyFunction): AnyFunction {
  return function (this: unknown, command: unknown): unknown {
    const host = activeHost();
    if (host === undefined) return Reflect.apply(original, this, arguments);
    // Commands that are not model calls pass straight through.
    const op = operationOf(command);
    if (op === undefined) return Reflect.apply(original, this, arguments);
    const active = host.contextAccess.active();
    if (isLLMSpanSuppressed(active)) return Reflect.apply(original, this, arguments);
    let call: SendCall | undefined;
    let runIn: Context | undefined;
    try {
      const input = (command as { input?: unknown }).input;
      if (isRecord(input)) {
        const { init, family } = op.request(input, host.recorder.policy.capture);
        const options: unknown = arguments[1];
        // Node's AbortSignal, or the SDK's own (`@smithy/abort-controller`): anything with `aborted`.
        const signal = isRecord(options) && isRecord(options.abortSignal) ? (options.abortSignal as { readonly aborted?: unknown }) : undefined;
        const started = startSend(host, op, new LLMEvent(init), family, active, signal);
        call = started?.call;
        runIn = started?.runIn;
      }
    } catch (err) {
      internalFailure(host, err);
    }
    if (call === undefined || runIn === undefined) return Reflect.apply(original, this, arguments);
    const recorded = call;
    const self = this;
    const args = Array.prototype.slice.call(arguments) as unknown[];
    // `send(command, callback)` and `send(command, options, callback)`: the span sees the outcome just before the callback does.
    const at = typeof args[1] === 'function' ? 1 : typeof args[2] === 'function' ? 2 : -1;
    if (at > 0) {
      const callback = args[at] as AnyFunction;
      args[at] = function (this: unknown, err: unknown, data: unknown): unknown {
        if (err !== null && err !== undefined) recorded.failed(err);
        else recorded.output(data);
        return Reflect.apply(callback, this, arguments);
      };
    }
    let result: unknown;
    try {
      result = host.contextAccess.with(runIn, () => Reflect.apply(original, self, args));
    } catch (err) {
      recorded.failed(err);
      throw err;
    }
    // A side branch that handles its own rejection: the caller's promise is the same object, and its
    // handlers run after this one (an event stream is watched before the caller can read it).
    if (at < 0 && isThenable(result)) {
      result.then(
        (out) => recorded.output(out),
        (err: unknown) => recorded.failed(err),
      );
    }
    return result;
  };
}

type ClientClass = { prototype: Record<string, unknown> };

function hasSend(c: unknown): c is ClientClass {
  if (typeof c !== 'function') return false;
  const proto = (c as { prototype?: unknown }).prototype;
  return isRecord(proto) && typeof proto.send === 'function';
}

/**
 * The client class `fn` is or extends: `BedrockRuntimeClient`, whose prototype's `send` every client
 * uses, including the aggregated `BedrockRuntime` and the user's subclasses.
 */
function clientClassOf(fn: unknown): ClientClass | undefined {
  let found: ClientClass | undefined;
  let c = fn;
  for (let depth = 0; typeof c === 'function' && depth < 8; depth++) {
    const name = (c as { name?: unknown }).name;
    if ((name === CLIENT || name === AGGREGATED) && hasSend(c)) found = c;
    if (name === CLIENT) break;
    c = Object.getPrototypeOf(c);
  }
  return found ?? aggregatedByShape(fn);
}

/**
 * Where a bundler renamed the classes: the aggregated client, by its methods; patched on the class
 * it extends (the client class), unless that is the class that defines `send` for every AWS client.
 */
function aggregatedByShape(fn: unknown): ClientClass | undefined {
  if (!hasSend(fn)) return undefined;
  const p = fn.prototype;
  if (typeof p.converse !== 'function' || typeof p.converseStream !== 'function' || typeof p.invokeModel !== 'function') return undefined;
  const base: unknown = Object.getPrototypeOf(fn);
  return hasSend(base) && (!Object.prototype.hasOwnProperty.call(base.prototype, 'send') || isPatched(base.prototype.send)) ? base : fn;
}

/** A client instance: by its class, or by the service id its configuration carries. */
function looksLikeClient(v: unknown): boolean {
  if (!isRecord(v) || typeof v === 'function' || typeof v.send !== 'function') return false;
  return clientClassOf(v.constructor) !== undefined || (isRecord(v.config) && v.config.serviceId === 'Bedrock Runtime');
}

/** The client class, from the class itself, a subclass, or the module (namespace or CommonJS `module.exports`). */
function clientClass(v: unknown, depth = 0): ClientClass | undefined {
  if (typeof v === 'function') return clientClassOf(v);
  if (!isRecord(v) || depth > 1 || looksLikeClient(v)) return undefined;
  return clientClass(v[CLIENT], depth + 1) ?? clientClass(v[AGGREGATED], depth + 1) ?? clientClass(v.default, depth + 1);
}

export const bedrockIntegration: Integration = {
  name: NAME,
  label: 'Bedrock Runtime',
  testedMajors: [3, 3],
  packageName: '@aws-sdk/client-bedrock-runtime',
  accepts: "the BedrockRuntimeClient class (import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime'), its module, or a client instance",
  recognise(value: unknown): TargetKind | undefined {
    try {
      if (looksLikeClient(value)) return 'instance';
      if (clientClass(value) !== undefined) return 'module';
    } catch {
      // A hostile object (throwing getters) is simply not a target.
    }
    return undefined;
  },
  patch(value: unknown, kind: TargetKind): number {
    if (kind === 'instance') return Number(patchMethod(NAME, value as object, 'send', wrapSend));
    const cls = clientClass(value);
    return cls === undefined ? 0 : Number(patchMethod(NAME, cls.prototype, 'send', wrapSend));
  },
  unpatch(): void {
    unpatchAll(NAME);
  },
};
