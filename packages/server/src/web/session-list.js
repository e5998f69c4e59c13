// The session list: search, filters and sort, all kept in the URL (so a view can be reloaded,
// shared, and walked with back and forward), the totals of everything that matches, one row a
// session (a conversation resumed over many requests is one session, its turns counted), pages
// of 50 reached by the API's cursor, refreshed while shown so new sessions appear without a reload.
import { api } from './api-client.js';
import { navigate, refreshIn } from './app.js';
import { fmtCost, fmtInt, fmtMs, fmtTime, h, stateBadge } from './view-helpers.js';

const LIST_REFRESH_MS = 5000;
const main = document.getElementById('main');

// The URL parameters the list passes on to GET /api/sessions as they are.
const API_PARAMS = ['q', 'from', 'to', 'end_state', 'service', 'model', 'tag', 'sort', 'order', 'cursor', 'limit'];
// The columns: their header, the API's sort key (none: not sortable), whether they hold numbers.
const COLUMNS = [
  ['Started', 'start'],
  ['Name', 'name'],
  ['Service', 'service'],
  ['Models', null],
  ['Tags', null],
  ['End state', 'end_state'],
  ['Turns', 'turns', true],
  ['Duration', 'duration', true],
  ['LLM calls', 'llm_calls', true],
  ['Tool calls', 'tool_calls', true],
  ['Tokens in / out', 'tokens', true],
  ['Cost', 'cost', true],
  ['Errors', 'errors', true],
];
const DEFAULT_ASC = new Set(['name', 'end_state', 'service']);

// The page a cursor came from, for "Previous" (a cursor only goes forward); lost on reload, when
// "First page" and the browser's back button remain.
const previousCursor = new Map();
let facets = null;

function urlParams() {
  return new URLSearchParams(location.search);
}

function go(params) {
  const q = params.toString();
  navigate(q ? `/sessions?${q}` : '/sessions');
}

export async function listPage(first) {
  const url = urlParams();
  const q = new URLSearchParams();
  for (const [k, v] of url) if (API_PARAMS.includes(k) && v !== '') q.append(k, v);
  const [data] = await Promise.all([api(`/api/sessions?${q}`), facets === null || first ? api('/api/facets').then((f) => (facets = f)) : null]);
  if (first || !document.getElementById('session-list')) renderListShell(url);
  renderListRows(data, url);
  refreshIn(() => listPage(false).catch(() => undefined), LIST_REFRESH_MS);
}

// datetime-local shows local time; the URL keeps the instant as ISO 8601 (UTC), as the API takes it.
function toLocalInput(iso) {
  const d = new Date(/^-?\d+$/.test(iso) ? Number(iso) : iso);
  if (isNaN(d)) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
function fromLocalInput(v) {
  const d = new Date(v);
  return v === '' || isNaN(d) ? '' : d.toISOString();
}

function choice(id, label, values, current) {
  const list = [...new Set([...values, ...(current ? [current] : [])])];
  return h('select', { id, 'aria-label': label }, h('option', { value: '' }, `any ${label}`), list.map((v) => h('option', { value: v, selected: v === current }, v)));
}

function renderListShell(url) {
  const search = h('input', { id: 'search', type: 'search', placeholder: 'Search name, id, tag, span name  ( / )', value: url.get('q') || '', size: 34, 'aria-label': 'search' });
  const from = h('input', { id: 'filter-from', type: 'datetime-local', step: 1, value: toLocalInput(url.get('from') || ''), 'aria-label': 'started from' });
  const to = h('input', { id: 'filter-to', type: 'datetime-local', step: 1, value: toLocalInput(url.get('to') || ''), 'aria-label': 'started before' });
  const state = choice('filter-state', 'end state', ['Success', 'Fail', 'Indeterminate', 'running'], url.get('end_state'));
  const service = choice('filter-service', 'service', facets.services, url.get('service'));
  const model = choice('filter-model', 'model', facets.models, url.get('model'));
  const tag = choice('filter-tag', 'tag', facets.tags, url.get('tag'));
  const apply = (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    const set = (k, v) => v && next.set(k, v);
    set('q', search.value.trim());
    set('from', fromLocalInput(from.value));
    set('to', fromLocalInput(to.value));
    set('end_state', state.value);
    set('service', service.value);
    set('model', model.value);
    set('tag', tag.value);
    set('sort', url.get('sort'));
    set('order', url.get('order'));
    go(next);
  };
  const clear = () => go(new URLSearchParams());
  main.replaceChildren(
    h(
      'form',
      { class: 'filters', id: 'filters', onsubmit: apply },
      h('b', {}, 'Sessions'),
      search,
      h('label', { class: 'muted' }, 'from ', from),
      h('label', { class: 'muted' }, 'to ', to),
      state,
      service,
      model,
      tag,
      h('button', { type: 'submit', id: 'apply' }, 'Apply'),
      h('button', { type: 'button', id: 'clear', onclick: clear }, 'Clear'),
    ),
    h('div', { class: 'list-totals', id: 'totals' }),
    h('table', { class: 'sessions', id: 'session-list' }, h('thead', {}, h('tr', {}, COLUMNS.map((c) => header(c, url)))), h('tbody', {})),
    h('div', { class: 'pager', id: 'pager' }),
  );
}

function header([title, key, num], url) {
  if (key === null) return h('th', { class: num ? 'num' : null }, title);
  const sort = url.get('sort') || 'start';
  const order = url.get('order') || (DEFAULT_ASC.has(sort) ? 'asc' : 'desc');
  const active = sort === key;
  const click = () => {
    const next = urlParams();
    next.delete('cursor');
    next.delete('offset');
    next.set('sort', key);
    if (active) next.set('order', order === 'asc' ? 'desc' : 'asc');
    else next.delete('order');
    go(next);
  };
  return h(
    'th',
    { class: [num ? 'num' : '', 'sortable', active ? 'sorted' : ''].join(' ').trim(), 'data-sort': key, 'aria-sort': active ? (order === 'asc' ? 'ascending' : 'descending') : null },
    h('button', { type: 'button', class: 'sort', onclick: click }, title, active ? (order === 'asc' ? ' ▲' : ' ▼') : ''),
  );
}

function nameCell(s) {
  const link = h('a', { href: `/sessions?trace_id=${s.traceId}`, onclick: (ev) => ev.preventDefault(), class: 'session-name' }, s.displayName || s.traceId);
  return h('td', {}, link, s.inSession === false ? h('span', { class: 'badge no-session', title: 'spans recorded outside any agentops session' }, 'no session') : null);
}

function renderListRows(data, url) {
  const t = data.totals;
  document.getElementById('totals').replaceChildren(
    h('span', { id: 'totals-sessions' }, `${fmtInt(t.sessions)} ${t.sessions === 1 ? 'session' : 'sessions'}`),
    h('span', { id: 'totals-tokens' }, `${fmtInt(t.inputTokens)} in / ${fmtInt(t.outputTokens)} out tokens`),
    h('span', { id: 'totals-cost' }, fmtCost(t.costUsd)),
    h('span', { id: 'totals-errors', class: t.errors ? 'errors-count' : null }, `${fmtInt(t.errors)} ${t.errors === 1 ? 'error' : 'errors'}`),
  );
  const tbody = document.querySelector('#session-list tbody');
  const rows = data.sessions.map((s) =>
    h(
      'tr',
      { 'data-trace-id': s.traceId, onclick: () => navigate(`/sessions?trace_id=${s.traceId}`) },
      h('td', {}, fmtTime(s.startTime)),
      nameCell(s),
      h('td', { class: 'services' }, s.services.join(', ')),
      h('td', { class: 'models' }, s.models.map((m) => h('span', { class: 'model' }, m))),
      h('td', {}, s.tags.map((t) => h('span', { class: 'tag' }, t))),
      h('td', {}, stateBadge(s)),
      h('td', { class: 'num turns' }, fmtInt(s.turns)),
      h('td', { class: 'num' }, fmtMs(s.totals.durationMs)),
      h('td', { class: 'num' }, fmtInt(s.totals.llmCalls)),
      h('td', { class: 'num' }, fmtInt(s.totals.toolCalls)),
      h('td', { class: 'num' }, `${fmtInt(s.totals.inputTokens)} / ${fmtInt(s.totals.outputTokens)}`),
      h('td', { class: 'num' }, fmtCost(s.totals.costUsd)),
      h('td', { class: 'num' }, s.totals.errors ? h('span', { class: 'errors-count' }, fmtInt(s.totals.errors)) : '0'),
    ),
  );
  const filtered = [...url.keys()].some((k) => ['q', 'from', 'to', 'end_state', 'service', 'model', 'tag'].includes(k));
  if (rows.length === 0) {
    const empty = filtered ? 'No session matches these filters.' : 'No sessions yet. Point an agent at this server (see the environment printed by `agentops serve`).';
    rows.push(h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' }, empty)));
  }
  tbody.replaceChildren(...rows);

  const cursor = url.get('cursor') || '';
  const page = (c) => {
    const next = urlParams();
    next.delete('offset');
    if (c) next.set('cursor', c);
    else next.delete('cursor');
    go(next);
  };
  const prev = previousCursor.get(cursor);
  document.getElementById('pager').replaceChildren(
    h('span', { class: 'muted' }, `${fmtInt(data.sessions.length)} shown of ${fmtInt(data.total)}`),
    h('button', { type: 'button', id: 'first-page', disabled: !cursor, onclick: () => page('') }, 'First page'),
    h('button', { type: 'button', id: 'prev-page', disabled: prev === undefined, onclick: () => page(prev) }, 'Previous'),
    h(
      'button',
      {
        type: 'button',
        id: 'next-page',
        disabled: !data.next,
        onclick: () => {
          previousCursor.set(data.next, cursor);
          page(data.next);
        },
      },
      'Next',
    ),
  );
}

// `/` puts the cursor in the search box, as on most sites with one; not while typing elsewhere.
document.addEventListener('keydown', (ev) => {
  if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
  const search = document.getElementById('search');
  if (!search) return;
  ev.preventDefault();
  search.focus();
  search.select();
});
