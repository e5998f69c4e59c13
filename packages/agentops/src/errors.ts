/** Base class of every error the SDK throws to its caller. `code` is stable across versions. */
export class AgentOpsError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Thrown by `init()` (and `spanProcessors()`) for an option it cannot use. The message names the
 * option, the type of the value given and what is accepted.
 */
export class AgentOpsConfigError extends AgentOpsError {
  /** The option, as a path: `batch.maxQueueSize`. */
  readonly option: string;

  /** `shown` replaces the description of `value` (used for secrets, which are never echoed). */
  constructor(option: string, expected: string, value: unknown, shown?: string) {
    super('AGENTOPS_INVALID_OPTION', `agentops: option "${option}" must be ${expected}; got ${shown ?? describeValue(value)}`);
    this.option = option;
  }
}

/** `string "abc"`, `number NaN`, `object Map`: enough to see what was passed without dumping it. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'function':
      return 'function';
    case 'symbol':
      return 'symbol';
    default: {
      if (Array.isArray(value)) return `array of length ${value.length}`;
      const ctor = safeConstructorName(value);
      return ctor && ctor !== 'Object' ? `object ${ctor}` : 'object';
    }
  }
}

function safeConstructorName(value: object): string | undefined {
  try {
    const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
