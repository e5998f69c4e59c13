/**
 * JSON text of any JavaScript value, without ever throwing: circular objects, BigInt, symbols,
 * functions, Map/Set, typed arrays, Error, getters that throw and hostile proxies all serialise.
 * The result is truncated to `limit` code units with a marker.
 *
 * Native JSON.stringify (with a replacer that never throws) handles ordinary values fast; only
 * when it throws (a cycle, a throwing getter, a proxy trap, BigInt deep inside) does the slower,
 * defensive walker run.
 */
import { truncate } from './truncate';

const MAX_DEPTH = 32;

/** JSON text of `value`, or undefined when there is nothing to record (`undefined`). */
export function safeJson(value: unknown, limit: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return truncate(JSON.stringify(value), limit);
  let text: string | undefined;
  try {
    text = JSON.stringify(value, replacer);
  } catch {
    text = walk(value, 0, [], { remaining: limit + 1 });
  }
  if (text === undefined) return undefined;
  return truncate(text, limit);
}

/**
 * Content as recorded on a span: a string is kept as is (it usually already is the text or JSON the
 * caller wants to see), anything else becomes JSON text.
 */
export function contentText(value: unknown, limit: number): string | undefined {
  if (typeof value === 'string') return truncate(value, limit);
  return safeJson(value, limit);
}

function replacer(this: unknown, key: string, v: unknown): unknown {
  try {
    // toJSON already ran on `v`; binary data (Buffer.toJSON lists every byte) is judged by the original.
    if (v !== null && typeof v === 'object' && this !== null && typeof this === 'object') {
      const original = (this as Record<string, unknown>)[key];
      if (original !== v && original !== null && typeof original === 'object' && ArrayBuffer.isView(original)) return special(original);
    }
    switch (typeof v) {
      case 'bigint':
        return v.toString();
      case 'function':
        return `[Function ${v.name || 'anonymous'}]`;
      case 'symbol':
        return v.toString();
      case 'object':
        return v === null ? v : special(v);
      default:
        return v;
    }
  } catch {
    return '[Unserializable]';
  }
}

/** Objects JSON would mangle (Map becomes {}), or returns the object itself. */
function special(v: object): unknown {
  if (v instanceof Map) return mapToObject(v);
  if (v instanceof Set) return Array.from(v);
  if (v instanceof Error) return errorToObject(v);
  if (ArrayBuffer.isView(v)) return `[${v.constructor.name}(${v.byteLength} bytes)]`;
  if (v instanceof ArrayBuffer) return `[ArrayBuffer(${v.byteLength} bytes)]`;
  if (v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise) return `[${v.constructor.name}]`;
  return v;
}

function mapToObject(m: Map<unknown, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of m) out[typeof k === 'string' ? k : String(k)] = val;
  return out;
}

function errorToObject(e: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  if (e.stack) out.stack = e.stack;
  for (const k of Object.keys(e)) out[k] = (e as unknown as Record<string, unknown>)[k];
  if ('cause' in e && e.cause !== undefined) out.cause = e.cause;
  return out;
}

interface Budget {
  remaining: number;
}

/** The defensive path: every property access is guarded, cycles are marked, depth is capped. */
function walk(v: unknown, depth: number, ancestors: unknown[], budget: Budget): string | undefined {
  if (budget.remaining <= 0) return '"..."';
  let out: string | undefined;
  try {
    out = walkValue(v, depth, ancestors, budget);
  } catch (err) {
    out = JSON.stringify(`[Unserializable: ${errorMessage(err)}]`);
  }
  if (out !== undefined) budget.remaining -= out.length;
  return out;
}

function walkValue(v: unknown, depth: number, ancestors: unknown[], budget: Budget): string | undefined {
  switch (typeof v) {
    case 'undefined':
      return undefined;
    case 'string':
      return JSON.stringify(budget.remaining < v.length ? truncate(v, Math.max(budget.remaining, 32)) : v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(v.toString());
    case 'symbol':
      return JSON.stringify(v.toString());
    case 'function':
      return JSON.stringify(`[Function ${safeName(v)}]`);
    default:
      break;
  }
  if (v === null) return 'null';
  const obj = v as object;
  if (ancestors.includes(obj)) return '"[Circular]"';
  if (depth >= MAX_DEPTH) return '"[Too deep]"';

  let target: unknown = obj;
  const toJSON = guard(() => (obj as { toJSON?: unknown }).toJSON);
  if (typeof toJSON === 'function') {
    target = guard(() => (toJSON as (this: unknown) => unknown).call(obj), '[toJSON threw]');
    if (target === null || typeof target !== 'object') return walkValue(target, depth + 1, ancestors, budget);
  }
  const replaced = guard(() => special(target as object), '[Unserializable]');
  if (replaced !== target) {
    if (replaced === null || typeof replaced !== 'object') return walkValue(replaced, depth + 1, ancestors, budget);
    target = replaced;
  }

  ancestors.push(obj);
  try {
    if (Array.isArray(target)) {
      const parts: string[] = [];
      const len = guard(() => (target as unknown[]).length, 0);
      for (let i = 0; i < len; i++) {
        if (budget.remaining <= 0) {
          parts.push('"..."');
          break;
        }
        const item = guard(() => (target as unknown[])[i], '[Throws]');
        parts.push(walk(item, depth + 1, ancestors, budget) ?? 'null');
      }
      return `[${parts.join(',')}]`;
    }
    const keys = guard(() => Object.keys(target as object), [] as string[]);
    const parts: string[] = [];
    for (const k of keys) {
      if (budget.remaining <= 0) {
        parts.push('"...":"..."');
        break;
      }
      const item = guard(() => (target as Record<string, unknown>)[k], (err) => `[Throws: ${errorMessage(err)}]`);
      const text = walk(item, depth + 1, ancestors, budget);
      if (text !== undefined) parts.push(`${JSON.stringify(k)}:${text}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    ancestors.pop();
  }
}

function guard<T>(fn: () => T, fallback?: T | ((err: unknown) => T)): T {
  try {
    return fn();
  } catch (err) {
    return (typeof fallback === 'function' ? (fallback as (e: unknown) => T)(err) : fallback) as T;
  }
}

function safeName(f: unknown): string {
  const n = guard(() => (f as { name?: unknown }).name, '');
  return typeof n === 'string' && n ? n : 'anonymous';
}

function errorMessage(err: unknown): string {
  const m = guard(() => (err instanceof Error ? err.message : String(err)), 'unknown');
  return typeof m === 'string' ? m.slice(0, 200) : 'unknown';
}
