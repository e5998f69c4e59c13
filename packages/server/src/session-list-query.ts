/**
 * `GET /api/sessions`'s query string -> a SessionSearch, and its pagination cursor to and from the
 * opaque token the answer carries as `next`. A bad value is refused naming the parameter, what it
 * accepts and what was given.
 */
import { SORT_KEYS, type Cursor, type SessionSearch, type SortKey, type SortOrder } from './session-search';

export class BadQuery extends Error {}

export const END_STATES = ['Success', 'Fail', 'Indeterminate', 'running'];
const MAX_WORDS = 8;
const MAX_Q = 200;
const MAX_VALUES = 50;
// Times are stored as signed 64-bit nanoseconds: 1677-09-21T00:12:43.146Z to 2262-04-11T23:47:16.854Z.
const MAX_MS = 9_223_372_036_854;

/** Sorted by name or end state, A comes first; by anything else (start, cost, ...), the most first. */
const DEFAULT_ORDER: Partial<Record<SortKey, SortOrder>> = { name: 'asc', end_state: 'asc', service: 'asc' };

export function intParam(q: URLSearchParams, name: string, def: number, min: number, max: number): number {
  const v = q.get(name);
  if (v === null || v === '') return def;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new BadQuery(`${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(v)}`);
  return Number(v);
}

/** `from` / `to`: epoch milliseconds or an ISO 8601 date, within the nanosecond range times are stored in. */
export function timeParam(q: URLSearchParams, name: string): bigint | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const ms = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_MS) {
    throw new BadQuery(`${name} must be epoch milliseconds or an ISO 8601 date, from ${new Date(-MAX_MS).toISOString()} to ${new Date(MAX_MS).toISOString()}; got ${JSON.stringify(v)}`);
  }
  return BigInt(Math.trunc(ms)) * 1_000_000n;
}

/** A repeatable parameter (`model=a&model=b`): its non-empty values. */
function listParam(q: URLSearchParams, name: string, allowed?: readonly string[]): string[] {
  const values = q.getAll(name).filter((v) => v !== '');
  if (values.length > MAX_VALUES) throw new BadQuery(`${name} may be given at most ${MAX_VALUES} times; got ${values.length}`);
  for (const v of values) {
    if (v.length > 500) throw new BadQuery(`${name} must be at most 500 characters; got ${v.length}`);
    if (allowed !== undefined && !allowed.includes(v)) throw new BadQuery(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`);
  }
  return [...new Set(values)];
}

function enumParam<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[], def: T): T {
  const v = q.get(name);
  if (v === null || v === '') return def;
  if (!(allowed as readonly string[]).includes(v)) throw new BadQuery(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`);
  return v as T;
}

export function encodeCursor(sort: SortKey, order: SortOrder, c: Cursor): string {
  return Buffer.from(JSON.stringify([sort, order, c.key, c.traceId])).toString('base64url');
}

function decodeCursor(token: string, sort: SortKey, order: SortOrder): Cursor {
  const refuse = (why: string): never => {
    throw new BadQuery(`cursor must be the \`next\` value of an earlier answer ${why}; got ${JSON.stringify(token.length > 80 ? `${token.slice(0, 80)}...` : token)}`);
  };
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return refuse('(it is not one)');
  }
  if (!Array.isArray(v) || v.length !== 4 || typeof v[3] !== 'string' || !/^[0-9a-f]{32}$/.test(v[3])) return refuse('(it is not one)');
  if (v[0] !== sort || v[1] !== order) return refuse(`of the same sort and order (it was made for sort=${String(v[0])}, order=${String(v[1])})`);
  const key: unknown = v[2];
  const type = SORT_KEYS[sort].type;
  const ok = type === 'text' ? typeof key === 'string' : type === 'bigint' ? typeof key === 'string' && /^-?\d{1,19}$/.test(key) : typeof key === 'number' && Number.isFinite(key);
  if (!ok) return refuse('(its position is damaged)');
  return { key: key as string | number, traceId: v[3] as string };
}

export function sessionListQuery(projectId: string, q: URLSearchParams): SessionSearch {
  const text = q.get('q') ?? '';
  if (text.length > MAX_Q) throw new BadQuery(`q must be at most ${MAX_Q} characters; got ${text.length}`);
  const words = [...new Set(text.split(/\s+/).filter((w) => w !== ''))];
  if (words.length > MAX_WORDS) throw new BadQuery(`q must have at most ${MAX_WORDS} words; got ${words.length}`);
  const sort = enumParam(q, 'sort', Object.keys(SORT_KEYS) as SortKey[], 'start');
  const order = enumParam<SortOrder>(q, 'order', ['asc', 'desc'], DEFAULT_ORDER[sort] ?? 'desc');
  const token = q.get('cursor');
  if (token !== null && token !== '' && q.has('offset') && q.get('offset') !== '0') throw new BadQuery('give cursor or offset, not both');
  return {
    projectId,
    words,
    tags: listParam(q, 'tag'),
    endStates: listParam(q, 'end_state', END_STATES),
    services: listParam(q, 'service'),
    models: listParam(q, 'model'),
    fromNs: timeParam(q, 'from'),
    toNs: timeParam(q, 'to'),
    sort,
    order,
    limit: intParam(q, 'limit', 50, 1, 500),
    offset: intParam(q, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
    cursor: token === null || token === '' ? undefined : decodeCursor(token, sort, order),
  };
}
