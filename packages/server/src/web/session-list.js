// The session list: filters, one row a session (a conversation resumed over many requests is one
// session, its turns counted), pages of 50, refreshed while it is shown so new sessions appear
// without a reload.
import { api } from './api-client.js';
import { navigate, refreshIn, route } from './app.js';
import { fmtCost, fmtInt, fmtMs, fmtTime, h, stateBadge } from './view-helpers.js';

const LIST_REFRESH_MS = 5000;
const main = document.getElementById('main');

// Kept across pages so that coming back from a session shows the same filter and page.
const listState = { tag: '', endState: '', offset: 0, limit: 50 };

export async function listPage(first) {
  const q = new URLSearchParams({ limit: String(listState.limit), offset: String(listState.offset) });
  if (listState.tag) q.set('tag', listState.tag);
  if (listState.endState) q.set('end_state', listState.endState);
  const data = await api(`/api/sessions?${q}`);
  if (first || !document.getElementById('session-list')) renderListShell();
  renderListRows(data);
  refreshIn(() => listPage(false).catch(() => undefined), LIST_REFRESH_MS);
}

function renderListShell() {
  const tag = h('input', { id: 'filter-tag', placeholder: 'tag', value: listState.tag });
  const state = h(
    'select',
    { id: 'filter-state' },
    ['', 'Success', 'Fail', 'Indeterminate', 'running'].map((s) => h('option', { value: s, selected: s === listState.endState }, s || 'any end state')),
  );
  const apply = (ev) => {
    ev.preventDefault();
    listState.tag = tag.value.trim();
    listState.endState = state.value;
    listState.offset = 0;
    route();
  };
  main.replaceChildren(
    h('form', { class: 'filters', onsubmit: apply }, h('b', {}, 'Sessions'), tag, state, h('button', { type: 'submit' }, 'Filter')),
    h(
      'table',
      { class: 'sessions', id: 'session-list' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Started', 'Name', 'Tags', 'End state', 'Turns', 'Duration', 'LLM calls', 'Tool calls', 'Tokens in / out', 'Cost', 'Errors'].map((t, i) => h('th', { class: i >= 4 ? 'num' : null }, t)),
        ),
      ),
      h('tbody', {}),
    ),
    h('div', { class: 'pager', id: 'pager' }),
  );
}

function renderListRows(data) {
  const tbody = document.querySelector('#session-list tbody');
  const rows = data.sessions.map((s) =>
    h(
      'tr',
      { 'data-trace-id': s.traceId, onclick: () => navigate(`/sessions?trace_id=${s.traceId}`) },
      h('td', {}, fmtTime(s.startTime)),
      h('td', {}, h('a', { href: `/sessions?trace_id=${s.traceId}`, onclick: (ev) => ev.preventDefault() }, s.name || s.sessionId || s.traceId)),
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
  if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 11, class: 'muted' }, 'No sessions yet. Point an agent at this server (see the environment printed by `agentops serve`).')));
  tbody.replaceChildren(...rows);
  const pager = document.getElementById('pager');
  const from = data.total === 0 ? 0 : data.offset + 1;
  const to = data.offset + data.sessions.length;
  pager.replaceChildren(
    h('span', { class: 'muted' }, `${from}-${to} of ${data.total}`),
    h('button', { type: 'button', disabled: data.offset === 0, onclick: () => { listState.offset = Math.max(0, listState.offset - listState.limit); route(); } }, 'Newer'),
    h('button', { type: 'button', disabled: to >= data.total, onclick: () => { listState.offset += listState.limit; route(); } }, 'Older'),
  );
}
