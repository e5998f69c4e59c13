// One session's page: its totals, the waterfall of its spans and the side panel of the selected
// span (span-panel.js). A session can hold a million spans: the page never asks for all of them.
// It asks for the session's summary (span count, extent, totals), and for the rows of the tree it
// shows, in pages (/api/sessions/:id/rows). The waterfall is as tall as all its rows would be and draws only those on screen; a refresh of a
// running session asks for the summary only, and for the rows on screen again only when its span
// count moved. A refresh keeps the page's scroll position and the side panel as the reader left them.
// The rows are those of the reader's view of the tree (tree-view-state.js): folded, searched or
// filtered by the server; the page keeps only the selection, and walks it with j/k and to the
// ERROR spans with e (the list of those comes from /marks, with the row each one is on).
import { api } from './api-client.js';
import { navigate, refreshIn } from './app.js';
import { panelShows, renderPanel } from './span-panel.js';
import { minimap } from './minimap.js';
import { MAX_TOGGLED, filtering, newTreeView, toggleRow, viewParams } from './tree-view-state.js';
import { fmtCost, fmtInt, fmtMs, fmtTime, h, stateBadge } from './view-helpers.js';

const SESSION_REFRESH_MS = 2000;
const ROW_H = 29; // px; one row of the waterfall (.wf-body .wf-row in app.css)
const PAGE = 200; // rows per request
const SPARE = 40; // rows drawn above and below the screen
// Browsers cap an element's height (Chromium near 33.5 million px): past this, scroll position maps to rows proportionally.
const MAX_BODY_PX = 15_000_000;
const MAX_MARKS = 10000; // ERROR spans and matches the page lists for e and next/previous
const main = document.getElementById('main');

let view = null; // { traceId, rowCount, spanCount, startMs, endMs, pages: Map<number, row[]>, loading: Map<number, Promise>, gen }
let selectedSpanId = null;
let selectedPosition = -1; // the selected span's place in the whole tree, depth first
let tv = newTreeView();
let tvTrace = null; // the session tv belongs to
let errorMarks = []; // ERROR spans in tree order: { spanId, position, row }
let matchMarks = [];
let map = null;
let lastData = null;
let notice = ''; // a word about the last fold or jump that could not be done

function rowsUrl(traceId, extra) {
  const p = viewParams(tv);
  for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
  return `/api/sessions/${encodeURIComponent(traceId)}/rows?${p}`;
}

function marksUrl(traceId, of) {
  const p = viewParams(tv);
  p.set('of', of);
  p.set('limit', String(MAX_MARKS));
  return `/api/sessions/${encodeURIComponent(traceId)}/marks?${p}`;
}

// A trace id or session UUID that is not stored may still arrive; anything else names no session
// that is stored, and is most likely mistyped.
function notArrived(id) {
  if (/^[0-9a-f]{32}$/i.test(id) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    return h('p', { class: 'muted', id: 'not-found' }, `Session ${id} has not arrived yet.`);
  }
  return h('p', { class: 'error-text', id: 'not-found' }, `"${id}" is not a trace id (32 hex digits), a session UUID, or the session.id of a stored session.`);
}

export async function sessionPage(traceId, first) {
  let data;
  try {
    data = await api(`/api/sessions/${encodeURIComponent(traceId)}?limit=0`);
  } catch (e) {
    if (e.status === 404) {
      main.replaceChildren(h('p', {}, h('a', { href: '/sessions', onclick: (ev) => { ev.preventDefault(); navigate('/sessions'); } }, '← all sessions')), notArrived(traceId));
      refreshIn(() => sessionPage(traceId, false).catch(() => undefined), SESSION_REFRESH_MS);
      return;
    }
    throw e;
  }
  if (tvTrace !== traceId) {
    tv = newTreeView();
    tvTrace = traceId;
  }
  // Spans are only ever added: the span count says whether anything changed since the last poll.
  const changed = first || view === null || view.traceId !== traceId || view.spanCount !== data.rowCount;
  if (changed) await loadView(traceId, data);
  lastData = data;
  renderSession(data, first, changed);
  // A running session is polled until it ends; a conversation until its first request arrives.
  if (data.session.running || (data.session.turns > 0 && !data.session.rootArrived)) refreshIn(() => sessionPage(traceId, false).catch(() => undefined), SESSION_REFRESH_MS);
}

// The view's row count and the rows that will be on screen, fetched before anything is redrawn
// (no blank rows on refresh), with the ERROR spans and matches the bar and the keys need.
async function loadView(traceId, data) {
  const probe = await api(rowsUrl(traceId, { offset: 0, limit: PAGE }));
  view = { traceId, rowCount: probe.rowCount, spanCount: probe.spanCount, startMs: data.startMs, endMs: data.endMs, pages: new Map([[0, probe.rows]]), loading: new Map(), gen: (view ? view.gen : 0) + 1 };
  const [from, to] = visibleRows(document.getElementById('wf-body'));
  const [errors, matches] = await Promise.all([
    api(marksUrl(traceId, 'errors')),
    filtering(tv) ? api(marksUrl(traceId, 'matches')) : Promise.resolve({ marks: [], total: 0 }),
    ...pagesOf(from, to).map(loadPage),
  ]);
  errorMarks = errors.marks;
  matchMarks = matches.marks;
  view.matchTotal = matches.total;
}

// After the reader folded, searched or filtered: the same session drawn again through the new view.
async function reloadView() {
  if (view === null || lastData === null) return;
  await loadView(view.traceId, lastData);
  renderSession(lastData, false, true);
}

function bodyPx() {
  return Math.max(Math.min(view.rowCount * ROW_H, MAX_BODY_PX), 1);
}

// The rows [from, to) on screen (with some spare), from where the waterfall's body is on screen.
function visibleRows(body) {
  const top = body ? body.getBoundingClientRect().top : 0;
  const y = Math.max(0, -top);
  const perPx = view.rowCount / bodyPx();
  const from = Math.max(0, Math.floor(y * perPx) - SPARE);
  const to = Math.min(view.rowCount, Math.ceil((y + window.innerHeight) * perPx) + SPARE);
  return [from, Math.max(from, to)];
}

function pagesOf(from, to) {
  const out = [];
  for (let p = Math.floor(from / PAGE); p * PAGE < to; p++) out.push(p);
  return out;
}

function loadPage(p) {
  if (view.pages.has(p)) return Promise.resolve();
  let pending = view.loading.get(p);
  if (pending === undefined) {
    const v = view;
    pending = api(rowsUrl(v.traceId, { offset: p * PAGE, limit: PAGE })).then(
      (r) => {
        // An answer for a session the page no longer shows, or from before the last refresh, is dropped.
        if (view === v) v.pages.set(p, r.rows);
      },
      () => undefined,
    ).finally(() => v.loading.delete(p));
    v.loading.set(p, pending);
  }
  return pending;
}

function rowAt(i) {
  const page = view.pages.get(Math.floor(i / PAGE));
  return page === undefined ? undefined : page[i % PAGE];
}

async function fetchRow(i) {
  await loadPage(Math.floor(i / PAGE));
  return rowAt(i);
}

// The row the selected span is on in the rows loaded, or -1.
function selectedRow() {
  for (const [p, rows] of view.pages) {
    const k = rows.findIndex((r) => r.span.spanId === selectedSpanId);
    if (k !== -1) return p * PAGE + k;
  }
  return -1;
}

// Brings row i on screen (to the middle, when it is not on screen already).
function scrollToRow(i) {
  const body = document.getElementById('wf-body');
  if (!body) return;
  const perPx = view.rowCount / bodyPx();
  const top = body.getBoundingClientRect().top + window.scrollY;
  const y = window.scrollY - top;
  // Rows under the sticky tool bar are not on screen.
  const first = firstRowOnScreen();
  const last = Math.floor((y + window.innerHeight) * perPx) - 1;
  if (i >= first && i <= last) return;
  window.scrollTo(window.scrollX, Math.max(0, top + (i - window.innerHeight / 2 / ROW_H) / perPx));
}

// The first row fully on screen, below the sticky tool bar.
function firstRowOnScreen() {
  const body = document.getElementById('wf-body');
  if (!body) return 0;
  const sticky = document.getElementById('wf-sticky');
  const y = -body.getBoundingClientRect().top + (sticky ? sticky.offsetHeight : 0);
  return Math.min(Math.ceil(Math.max(0, y) * (view.rowCount / bodyPx())), Math.max(view.rowCount - 1, 0));
}

function select(row) {
  selectedSpanId = row.span.spanId;
  selectedPosition = row.position;
  for (const el of document.querySelectorAll('.wf-row.selected')) el.classList.remove('selected');
  const el = document.querySelector(`.wf-row[data-span-id="${row.span.spanId}"]`);
  if (el) el.classList.add('selected');
  renderPanel(row.span);
}

async function selectRow(i) {
  if (view === null || view.rowCount === 0) return;
  const r = Math.min(Math.max(i, 0), view.rowCount - 1);
  const row = await fetchRow(r);
  if (row === undefined) return;
  scrollToRow(r);
  select(row);
  paint();
}

// j / k: the next or previous row shown; from the top row on screen when the selection is not shown.
function step(d) {
  return queued(() => stepNow(d));
}

function stepNow(d) {
  if (view === null) return undefined;
  const at = selectedRow();
  if (at === -1) return selectRow(firstRowOnScreen());
  return selectRow(at + d);
}

// The next (d = 1) or previous (d = -1) mark after the selection, in tree order, round at the ends.
// A mark under a closed row opens the rows above it first (the server says which, in `toggle`).
// One move at a time: a second key press waits for the first (a jump may reload the view).
let moving = Promise.resolve();
function queued(fn) {
  moving = moving.then(fn, fn).catch(() => undefined);
  return moving;
}

function jump(marks, d) {
  return queued(() => jumpNow(marks, d));
}

async function jumpNow(marks, d) {
  if (view === null || marks.length === 0) return;
  let k = d > 0 ? marks.findIndex((m) => m.position > selectedPosition) : marks.findLastIndex((m) => m.position < selectedPosition);
  if (k === -1) k = d > 0 ? 0 : marks.length - 1;
  const m = marks[k];
  if (m.row === null) {
    const r = await api(rowsUrl(view.traceId, { offset: 0, limit: 1, reveal: m.spanId }));
    if (r.revealRow === null || r.toggle.length > MAX_TOGGLED) {
      notice = 'That span is hidden by the search or filter: clear them to reach it.';
      renderSession(lastData, false, false);
      return;
    }
    tv.toggle = new Set(r.toggle);
    await reloadView();
    const again = errorMarks.concat(matchMarks).find((x) => x.spanId === m.spanId);
    if (again && again.row !== null) await selectRow(again.row);
    return;
  }
  await selectRow(m.row);
}

async function setTreeView(change) {
  change(tv);
  notice = '';
  await reloadView();
}

document.addEventListener('keydown', (ev) => {
  if (view === null || !document.getElementById('waterfall')) return;
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
  if (ev.key === 'j') step(1);
  else if (ev.key === 'k') step(-1);
  else if (ev.key === 'e') jump(errorMarks, 1);
  else if (ev.key === 'E') jump(errorMarks, -1);
  else if (ev.key === 'n' && matchMarks.length > 0) jump(matchMarks, 1);
  else if (ev.key === 'N' && matchMarks.length > 0) jump(matchMarks, -1);
  else if (ev.key === '/') {
    const input = document.getElementById('span-search');
    if (!input) return;
    input.focus();
  } else return;
  ev.preventDefault();
});

// The duration sits inside a wide bar, after a narrow one, or before a narrow one at the far right.
function durationLabel(ms, left, width) {
  if (width > 12) return h('span', { class: 'wf-dur inside', style: `left:${left}%` }, fmtMs(ms));
  if (left + width > 85) return h('span', { class: 'wf-dur', style: `right:${100 - left}%` }, fmtMs(ms));
  return h('span', { class: 'wf-dur', style: `left:${left + width}%` }, fmtMs(ms));
}

function spanRow(row, top) {
  const { span, depth, turn, children, open, errorsBelow } = row;
  const total = Math.max(view.endMs - view.startMs, 0.001);
  const isError = span.status.code === 2;
  const left = Math.min(Math.max(((span.startMs - view.startMs) / total) * 100, 0), 100);
  const width = Math.max((span.durationMs / total) * 100, 0.2);
  return h(
    'div',
    {
      class: `wf-row${isError ? ' error' : ''}${turn ? ' turn' : ''}${span.spanId === selectedSpanId ? ' selected' : ''}${row.match ? ' match' : filtering(tv) ? ' context' : ''}`,
      style: `top:${top}px`,
      'data-span-id': span.spanId,
      'data-category': span.category,
      'data-depth': depth,
      'data-turn': turn || undefined,
      'data-error': isError ? 'true' : 'false',
      'data-row': row.rowIndex,
      'data-open': children > 0 ? String(open) : undefined,
      title: isError ? `${span.name}: ${span.status.message || 'error'}` : span.name,
      onclick: () => select(row),
    },
    h(
      'div',
      { class: 'wf-label', style: `padding-left:${8 + Math.min(depth, 40) * 16}px` },
      children > 0
        ? h('button', {
          class: 'wf-toggle',
          type: 'button',
          'aria-expanded': String(open),
          'aria-label': open ? 'collapse' : 'expand',
          title: `${open ? 'collapse' : 'expand'} (${fmtInt(children)} under it)`,
          onclick: (ev) => {
            ev.stopPropagation();
            if (!toggleRow(tv, span.spanId)) {
              notice = `At most ${MAX_TOGGLED} rows can be folded one by one: use collapse all or expand to errors.`;
              renderSession(lastData, false, false);
              return;
            }
            setTreeView(() => undefined);
          },
        }, open ? '-' : '+')
        : h('span', { class: 'wf-toggle-space' }),
      h('span', { class: `cat c-${span.category}` }),
      isError ? h('span', { class: 'err-mark', 'aria-label': 'error' }, '✗') : null,
      turn ? h('span', { class: 'turn-mark' }, `turn ${turn}`) : null,
      h('span', { class: 'name' }, span.name),
      !open && errorsBelow > 0 ? h('span', { class: 'err-below', title: `${errorsBelow} error spans under this row` }, `${fmtInt(errorsBelow)} ${errorsBelow === 1 ? 'error' : 'errors'} inside`) : null,
    ),
    h('div', { class: 'wf-track' }, h('div', { class: `wf-bar c-${span.category}`, style: `left:${left}%;width:${width}%` }), durationLabel(span.durationMs, left, width)),
  );
}

// Draws the rows on screen into the body; asks for the pages it lacks and draws again when they come.
function paint() {
  const body = document.getElementById('wf-body');
  if (!body || view === null) return;
  const [from, to] = visibleRows(body);
  const y = Math.max(0, -body.getBoundingClientRect().top);
  const scaled = view.rowCount * ROW_H > MAX_BODY_PX;
  const at = (i) => (scaled ? y + (i - (y * view.rowCount) / bodyPx()) * ROW_H : i * ROW_H);
  const els = [];
  const missing = [];
  for (let i = from; i < to; i++) {
    const row = rowAt(i);
    if (row === undefined) {
      missing.push(i);
      els.push(h('div', { class: 'wf-row loading', style: `top:${at(i)}px` }, h('div', { class: 'wf-label muted' }, '…')));
    } else {
      row.rowIndex = i;
      els.push(spanRow(row, at(i)));
    }
  }
  body.replaceChildren(...els);
  if (map !== null) {
    const perPx = view.rowCount / bodyPx();
    map.setWindow(view.rowCount, Math.floor(y * perPx), Math.min(view.rowCount, Math.ceil((y + window.innerHeight) * perPx)));
  }
  if (missing.length > 0) {
    const gen = view.gen;
    Promise.all(pagesOf(missing[0], missing[missing.length - 1] + 1).map(loadPage)).then(() => {
      if (view !== null && view.gen === gen) schedulePaint();
    });
  }
}

let painting = false;
function schedulePaint() {
  if (painting) return;
  painting = true;
  requestAnimationFrame(() => {
    painting = false;
    paint();
  });
}
window.addEventListener('scroll', schedulePaint, { passive: true });
window.addEventListener('resize', schedulePaint);

function renderSession(data, first, changed) {
  const s = data.session;
  const t = data.totals;
  const loaded = [];
  for (const page of view.pages.values()) for (const r of page) loaded.push(r);
  const byId = new Map(loaded.map((r) => [r.span.spanId, r.span]));
  // The reader's selection stays through folds, searches and refreshes, even when its row is not shown.
  if (first || selectedSpanId === null) {
    const pick = loaded.find((r) => r.span.category === 'llm') || loaded[0];
    selectedSpanId = pick ? pick.span.spanId : null;
    selectedPosition = pick ? pick.position : -1;
  }
  const firstMissing = s.turns > 0 && !s.rootArrived
    ? h('p', { class: 'note', id: 'turns-note' }, "This conversation's first request (its session span) has not arrived yet: its turns are shown at the top level.")
    : null;
  const head = h(
    'div',
    { class: 'session-head' },
    h('p', {}, h('a', { href: '/sessions', id: 'back', onclick: (ev) => { ev.preventDefault(); navigate('/sessions'); } }, '← all sessions')),
    h('h1', {}, s.name || s.traceId, ' ', h('span', { id: 'end-state', title: "the session's own end state" }, stateBadge(s))),
    h('div', { class: 'muted' }, `trace ${s.traceId}`, s.sessionId ? ` · session ${s.sessionId}` : '', ` · started ${fmtTime(s.startTime)}`, s.endReason ? ` · ${s.endReason}` : ''),
    h('div', {}, (Array.isArray(s.tags) ? s.tags : []).map((x) => h('span', { class: 'tag' }, x))),
    h(
      'div',
      { class: 'totals', id: 'totals' },
      [
        ['Duration', fmtMs(t.durationMs)],
        ['Turns', fmtInt(s.turns)],
        ['Spans', fmtInt(t.spans)],
        ['LLM calls', fmtInt(t.llmCalls)],
        ['Tool calls', fmtInt(t.toolCalls)],
        ['Error spans', fmtInt(data.errorSpans ?? t.errors), 'error-spans'],
        ['Input tokens', fmtInt(t.inputTokens)],
        ['Output tokens', fmtInt(t.outputTokens)],
        ['Cost', fmtCost(t.costUsd)],
      ].map(([k, v, id]) => h('div', {}, h('b', { id }, v), h('span', {}, k))),
    ),
  );
  const total = Math.max(view.endMs - view.startMs, 0.001);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => h('span', { style: `left:${f * 100}%` }, fmtMs(total * f)));
  const legend = h(
    'div',
    { class: 'legend' },
    ['session', 'turn', 'agent', 'handoff', 'guardrail', 'llm', 'tool', 'action', 'other'].map((c) => h('span', {}, h('span', { class: `cat c-${c}` }), c)),
    h('span', {}, h('span', { class: 'err-mark' }, '✗'), 'error'),
  );
  const body = h('div', { class: 'wf-body', id: 'wf-body', style: `height:${view.rowCount === 0 ? 0 : bodyPx()}px` });
  const shown = view.rowCount === view.spanCount ? `${fmtInt(view.spanCount)} spans` : `${fmtInt(view.rowCount)} of ${fmtInt(view.spanCount)} spans shown`;
  const waterfall = h('div', { class: 'waterfall', id: 'waterfall', 'data-rows': view.rowCount }, h('div', { class: 'wf-row head' }, h('div', { class: 'wf-label', id: 'rows-shown' }, shown), h('div', { class: 'wf-ticks' }, ticks)), body);
  const focused = document.activeElement ? document.activeElement.id : '';
  map = minimap((f) => scrollToFraction(f));
  map.setMarks(view.rowCount, errorMarks, matchMarks);
  const column = h('div', { class: 'wf-column' }, h('div', { class: 'wf-sticky', id: 'wf-sticky' }, treeTools(data), map.el), waterfall);
  // The side panel stays as it was (its scroll, open sections, selected text) while its span is unchanged.
  const sel = byId.get(selectedSpanId);
  const oldPanel = first ? null : document.getElementById('span-panel');
  const keep = oldPanel !== null && (!changed || sel === undefined || panelShows(sel));
  const scrollX = window.scrollX;
  const scrollY = window.scrollY;
  const panelScroll = keep ? oldPanel.scrollTop : 0;
  const panel = keep ? oldPanel : h('aside', { class: 'panel', id: 'span-panel' });
  main.replaceChildren(...[head, firstMissing, legend, h('div', { class: 'layout' }, column, panel)].filter(Boolean));
  if (focused === 'span-search' || focused === 'kind-filter') document.getElementById(focused).focus();
  if (!first) window.scrollTo(scrollX, scrollY);
  paint();
  if (!keep && sel) renderPanel(sel);
  if (!first) panel.scrollTop = panelScroll;
}

function scrollToFraction(f) {
  const body = document.getElementById('wf-body');
  if (!body || view === null) return;
  const top = body.getBoundingClientRect().top + window.scrollY;
  window.scrollTo(window.scrollX, Math.max(0, top + f * bodyPx() - window.innerHeight / 2));
}

const KINDS = ['session', 'turn', 'agent', 'handoff', 'guardrail', 'llm', 'tool', 'action', 'other'];

// Fold, search, filter by kind, and walk the errors and matches: what the reader asks of a big session.
function treeTools(data) {
  const input = h('input', { type: 'search', id: 'span-search', value: tv.q, placeholder: 'search spans: name or attribute text (/)', 'aria-label': 'search spans' });
  const kind = h('select', { id: 'kind-filter', 'aria-label': 'kind', onchange: () => apply() }, h('option', { value: '' }, 'all kinds'), KINDS.map((k) => h('option', { value: k, selected: tv.category === k }, k)));
  // A new search opens every row, so that each match is on screen with the path to it.
  const apply = () => setTreeView((t) => {
    t.q = input.value.trim();
    t.category = kind.value;
    t.open = 'all';
    t.toggle = new Set();
  });
  const fold = (open) => () => setTreeView((t) => {
    t.open = open;
    t.toggle = new Set();
  });
  const errors = data.errorSpans ?? 0;
  return h(
    'div',
    { class: 'wf-tools', id: 'wf-tools' },
    h('button', { type: 'button', id: 'collapse-all', onclick: fold('none') }, 'Collapse all'),
    h('button', { type: 'button', id: 'expand-all', onclick: fold('all') }, 'Expand all'),
    h('button', { type: 'button', id: 'expand-errors', onclick: fold('errors'), disabled: errors === 0 }, 'Expand to errors'),
    h('form', { class: 'span-search', onsubmit: (ev) => { ev.preventDefault(); apply(); } }, input, kind, h('button', { type: 'submit' }, 'Search')),
    filtering(tv)
      ? h(
        'span',
        { class: 'match-nav' },
        h('span', { id: 'match-count' }, `${fmtInt(view.matchTotal)} ${view.matchTotal === 1 ? 'match' : 'matches'}`),
        h('button', { type: 'button', id: 'match-prev', title: 'previous match (N)', disabled: matchMarks.length === 0, onclick: () => jump(matchMarks, -1) }, 'Previous'),
        h('button', { type: 'button', id: 'match-next', title: 'next match (n)', disabled: matchMarks.length === 0, onclick: () => jump(matchMarks, 1) }, 'Next'),
        h('button', { type: 'button', id: 'clear-search', onclick: () => setTreeView((t) => { t.q = ''; t.category = ''; }) }, 'Clear'),
      )
      : null,
    h(
      'span',
      { class: 'error-nav' },
      h('span', { id: 'error-count', class: errors > 0 ? 'errors-count' : 'muted' }, `${fmtInt(errors)} error ${errors === 1 ? 'span' : 'spans'}`),
      h('button', { type: 'button', id: 'error-prev', title: 'previous error (E)', disabled: errors === 0, onclick: () => jump(errorMarks, -1) }, 'Previous error'),
      h('button', { type: 'button', id: 'error-next', title: 'next error (e)', disabled: errors === 0, onclick: () => jump(errorMarks, 1) }, 'Next error'),
    ),
    notice ? h('span', { class: 'note', id: 'tree-notice' }, notice) : null,
    h('span', { class: 'muted keys' }, 'j / k: next / previous span · e: next error'),
  );
}
