/**
 * The query parameters of a tree view (`/api/sessions/:id/rows` and `/marks`): which rows are
 * open, a search and a kind filter, and a span to reveal. Each bad value is named with what is
 * accepted and what was given.
 */
import type { TreeViewQuery } from './session-index';
import type { SpanCategory } from './span-record';

export class BadViewQuery extends Error {}

const OPEN = ['all', 'none', 'errors'] as const;
const CATEGORIES: readonly SpanCategory[] = ['session', 'turn', 'agent', 'handoff', 'guardrail', 'llm', 'tool', 'action', 'other'];
const SPAN_ID = /^[0-9a-f]{16}$/;
/** Toggled rows one request carries: 500 span ids keep the URL under 9 kB, well within what servers accept. */
export const MAX_TOGGLED = 500;
export const MAX_SEARCH_CHARS = 200;

function list(q: URLSearchParams, name: string): string[] {
  const v = q.get(name);
  return v === null || v === '' ? [] : v.split(',');
}

function spanIdParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!SPAN_ID.test(v)) throw new BadViewQuery(`${name} must be a span id (16 lowercase hex digits); got ${JSON.stringify(v)}`);
  return v;
}

export function treeViewQuery(q: URLSearchParams): { view: TreeViewQuery; reveal: string | undefined } {
  const open = q.get('open') ?? 'all';
  if (!(OPEN as readonly string[]).includes(open)) throw new BadViewQuery(`open must be one of ${OPEN.join(', ')}; got ${JSON.stringify(open)}`);
  const toggle = list(q, 'toggle');
  if (toggle.length > MAX_TOGGLED) throw new BadViewQuery(`toggle takes at most ${MAX_TOGGLED} span ids; got ${toggle.length}`);
  const badId = toggle.find((id) => !SPAN_ID.test(id));
  if (badId !== undefined) throw new BadViewQuery(`toggle must be span ids (16 lowercase hex digits) separated by commas; got ${JSON.stringify(badId)}`);
  const search = q.get('q') ?? '';
  if (search.length > MAX_SEARCH_CHARS) throw new BadViewQuery(`q must be at most ${MAX_SEARCH_CHARS} characters; got ${search.length}`);
  const categories = list(q, 'category');
  const badCat = categories.find((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (badCat !== undefined) throw new BadViewQuery(`category must be one or more of ${CATEGORIES.join(', ')} separated by commas; got ${JSON.stringify(badCat)}`);
  const status = q.get('status');
  if (status !== null && status !== '' && status !== 'error') throw new BadViewQuery(`status must be error (or absent); got ${JSON.stringify(status)}`);
  return {
    view: { open: open as TreeViewQuery['open'], toggle, q: search, categories, status: status === 'error' },
    reveal: spanIdParam(q, 'reveal'),
  };
}

export function marksParam(q: URLSearchParams): 'errors' | 'matches' {
  const v = q.get('of');
  if (v !== 'errors' && v !== 'matches') throw new BadViewQuery(`of must be errors or matches; got ${JSON.stringify(v)}`);
  return v;
}
