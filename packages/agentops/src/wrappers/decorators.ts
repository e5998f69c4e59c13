/**
 * The wrappers as method decorators: `@agent`, `@tool`, `@operation`, `@session`, bare or with a
 * name (`@tool('get_weather')`); the default name is the method's. Both decorator flavours of
 * TypeScript work: standard (TC39) decorators, the default since TypeScript 5, and legacy ones
 * (`experimentalDecorators`). The call shape tells them apart.
 *
 * @example
 * class Support {
 *   @agent() async answer(question: string) { ... }
 *   @tool('lookup_order') async lookup(id: number) { ... }
 * }
 */
import {
  traceAgent,
  traceOperation,
  traceSession,
  traceTool,
  type AgentTraceOptions,
  type SessionTraceOptions,
  type ToolTraceOptions,
  type TracedFunction,
} from './wrappers';

/** A decorator usable on methods as a standard (TC39) or a legacy (`experimentalDecorators`) decorator. */
export interface MethodTraceDecorator {
  <T extends TracedFunction>(value: T, context: ClassMethodDecoratorContext): T;
  (target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}

type Wrap = (name: string, fn: TracedFunction) => TracedFunction;

function isTc39Context(v: unknown): v is ClassMethodDecoratorContext {
  return v !== null && typeof v === 'object' && (v as { kind?: unknown }).kind === 'method';
}

function isDescriptor(v: unknown): v is PropertyDescriptor {
  return v !== null && typeof v === 'object' && typeof (v as PropertyDescriptor).value === 'function';
}

function keyName(key: string | symbol): string {
  return typeof key === 'symbol' ? (key.description ?? 'method') : key;
}

function makeDecorator(wrap: Wrap, name: string | undefined): MethodTraceDecorator {
  function decorate(value: TracedFunction, context: ClassMethodDecoratorContext): TracedFunction;
  function decorate(target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
  function decorate(a: unknown, b: unknown, c?: unknown): unknown {
    if (typeof a === 'function' && isTc39Context(b)) return wrap(name ?? keyName(b.name), a as TracedFunction);
    if (typeof b === 'string' || typeof b === 'symbol') {
      if (isDescriptor(c)) return { ...c, value: wrap(name ?? keyName(b), c.value as TracedFunction) };
    }
    throw new TypeError('agentops decorators apply to class methods');
  }
  return decorate as MethodTraceDecorator;
}

/**
 * Builds a decorator that works bare (`@tool`) and as a factory (`@tool()`, `@tool('name')`): a bare
 * use receives the method itself as its first argument.
 */
function decoratorFactory<O extends { name: string }>(wrap: (options: O | string, fn: TracedFunction) => TracedFunction) {
  const toWrap: (given: O | string | undefined) => Wrap = (given) => (name, fn) =>
    wrap(given === undefined ? name : typeof given === 'string' ? given : { ...given, name: given.name ?? name }, fn);
  function factory<T extends TracedFunction>(value: T, context: ClassMethodDecoratorContext): T;
  function factory(target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
  function factory(nameOrOptions?: string | O): MethodTraceDecorator;
  function factory(a?: unknown, b?: unknown, c?: unknown): unknown {
    if ((typeof a === 'function' && isTc39Context(b)) || ((typeof b === 'string' || typeof b === 'symbol') && isDescriptor(c))) {
      return (makeDecorator(toWrap(undefined), undefined) as (x: unknown, y: unknown, z?: unknown) => unknown)(a, b, c);
    }
    const given = a as O | string | undefined;
    return makeDecorator(toWrap(given), typeof given === 'string' ? given : undefined);
  }
  return factory;
}

/** `@agent` / `@agent('name')` / `@agent({ name, id })`: each call is an `invoke_agent` span. */
export const agent = decoratorFactory<AgentTraceOptions>((o, fn) => traceAgent(o, fn));

/** `@tool` / `@tool('name')`: each call is an `execute_tool` span with its arguments and result. */
export const tool = decoratorFactory<ToolTraceOptions>((o, fn) => traceTool(o, fn));

/** `@operation` / `@operation('name')`: each call is a span named after the operation. */
export const operation = decoratorFactory<{ name: string }>((o, fn) => traceOperation(typeof o === 'string' ? o : o.name, fn));

/** `@session` / `@session('name')`: each call runs in a new session of its own. */
export const session = decoratorFactory<SessionTraceOptions>((o, fn) => traceSession(o, fn));
