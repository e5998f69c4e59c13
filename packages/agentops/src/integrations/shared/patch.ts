/**
 * Method patching with a memory: each patched method carries a symbol pointing at the original, so
 * patching what is already patched (twice, or a client instance whose class is patched) is a
 * no-op and never yields a second span; every patch can be undone at `shutdown()`, all of them or
 * those of one integration (its owner). The symbol is global (`Symbol.for`) so two copies of this
 * package in one process recognise each other's patches.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- patched methods have any signature
export type AnyFunction = (this: any, ...args: any[]) => any;

const ORIGINAL = Symbol.for('agentops.instrumentation.original');

interface Patch {
  /** The integration that made it. */
  owner: string;
  // Weakly: a client instance patched per request must stay collectable once the request is done.
  target: WeakRef<object>;
  key: PropertyKey;
  wrapper: AnyFunction;
  previous: PropertyDescriptor | undefined;
}

let patches: Patch[] = [];
// Entries of collected targets are swept when the list doubles, so it stays proportional to live ones.
let sweepAt = 64;

/** Whether `fn` is a wrapper this package installed. */
export function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[ORIGINAL] !== undefined;
}

/**
 * Replaces `target[key]` (own or inherited) with `wrap(original)` as an own property of `target`.
 * Returns false when there is no such method or it is patched already.
 */
export function patchMethod(owner: string, target: object, key: PropertyKey, wrap: (original: AnyFunction) => AnyFunction): boolean {
  const current = (target as Record<PropertyKey, unknown>)[key];
  if (typeof current !== 'function' || isPatched(current)) return false;
  const original = current as AnyFunction;
  const wrapper = wrap(original);
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  // Stack traces and `fn.name` keep showing the user's method.
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  const previous = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { value: wrapper, writable: true, configurable: true, enumerable: previous?.enumerable ?? false });
  patches.push({ owner, target: new WeakRef(target), key, wrapper, previous });
  if (patches.length >= sweepAt) {
    patches = patches.filter((p) => p.target.deref() !== undefined);
    sweepAt = Math.max(64, patches.length * 2);
  }
  return true;
}

/**
 * Undoes every patch still in place (or only those of `owner`), newest first. A method someone else
 * replaced since is left alone.
 */
export function unpatchAll(owner?: string): void {
  for (let i = patches.length - 1; i >= 0; i--) {
    const p = patches[i]!;
    if (owner !== undefined && p.owner !== owner) continue;
    const target = p.target.deref();
    if (target === undefined) continue;
    try {
      if ((target as Record<PropertyKey, unknown>)[p.key] !== p.wrapper) continue;
      if (p.previous !== undefined) Object.defineProperty(target, p.key, p.previous);
      else delete (target as Record<PropertyKey, unknown>)[p.key];
    } catch {
      // A target that became frozen keeps the wrapper, which falls through once no client is active.
    }
  }
  patches = owner === undefined ? [] : patches.filter((p) => p.owner !== owner);
  sweepAt = Math.max(64, patches.length * 2);
}
