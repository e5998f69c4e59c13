// One session's page: its totals, the waterfall of its spans and the side panel of the selected
// span (span-panel.js). A session can hold a million spans: the page never asks for all of them.
// It asks for the session's summary (span count, extent, totals), and for the rows of the tree it
// shows, in pages (/api/sessions/:id/rows). The waterfall is as tall as all its rows would be and draws only those on screen; a refresh of a
// running session asks for the summary only, and for the rows on screen again only when its span
// count moved. A refresh keeps the page's scroll position and the side panel as the reader left them.
import { api } from './api-client.js';
import { navigate, refreshIn } from './app.js';
import { panelShows, renderPanel } from './span-panel.js';
import { fmtCost, fmtInt, fmtMs, fmtTime, h, stateBadge } from './view-helpers.js';

const SESSION_REFRESH_MS = 2000;
const ROW_H = 29; // px; one row of the waterfall (.wf-body .wf-row in app.css)
const PAGE = 200; // rows per request
const SPARE = 40; // rows drawn above and below the screen
// Browsers cap an element's height (Chromium near 33.5 million px): past this, scroll position maps to rows proportionally.
const MAX_BODY_PX = 15_000_000;
const main = document.getElementById('main');

let view = null; // { traceId, rowCount, startMs, endMs, pages: Map<number, row[]>, loading: Map<number, Promise>, gen }
let selectedSpanId = null;

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
  // Spans are only ever added: the span count says whether anything changed since the last poll.
  const changed = first || view === null || view.traceId !== traceId || view.rowCount !== data.rowCount;
  if (changed) {
    view = { traceId, rowCount: data.rowCount, startMs: data.startMs, endMs: data.endMs, pages: new Map(), loading: new Map(), gen: (view ? view.gen : 0) + 1 };
    // The rows that will be on screen, fetched before anything is redrawn: no blank rows on refresh.
    const [from, to] = visibleRows(document.getElementById('wf-body'));
    await Promise.all(pagesOf(from, to).map(loadPage));
  }
  renderSession(data, first, changed);
  // A running session is polled until it ends; a conversation until its first request arrives.
  if (data.session.running || (data.session.turns > 0 && !data.session.rootArrived)) refreshIn(() => sessionPage(traceId, false).catch(() => undefined), SESSION_REFRESH_MS);
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
    pending = api(`/api/sessions/${encodeURIComponent(v.traceId)}/rows?offset=${p * PAGE}&limit=${PAGE}`).then(
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

// The duration sits inside a wide bar, after a narrow one, or before a narrow one at the far right.
function durationLabel(ms, left, width) {
  if (width > 12) return h('span', { class: 'wf-dur inside', style: `left:${left}%` }, fmtMs(ms));
  if (left + width > 85) return h('span', { class: 'wf-dur', style: `right:${100 - left}%` }, fmtMs(ms));
  return h('span', { class: 'wf-dur', style: `left:${left + width}%` }, fmtMs(ms));
}

function spanRow(row, top) {
  const { span, depth, turn } = row;
  const total = Math.max(view.endMs - view.startMs, 0.001);
  const isError = span.status.code === 2;
  const left = Math.min(Math.max(((span.startMs - view.startMs) / total) * 100, 0), 100);
  const width = Math.max((span.durationMs / total) * 100, 0.2);
  return h(
    'div',
    {
      class: `wf-row${isError ? ' error' : ''}${turn ? ' turn' : ''}${span.spanId === selectedSpanId ? ' selected' : ''}`,
      style: `top:${top}px`,
      'data-span-id': span.spanId,
      'data-category': span.category,
      'data-depth': depth,
      'data-turn': turn || undefined,
      'data-error': isError ? 'true' : 'false',
      title: isError ? `${span.name}: ${span.status.message || 'error'}` : span.name,
      onclick: () => {
        selectedSpanId = span.spanId;
        for (const el of document.querySelectorAll('.wf-row.selected')) el.classList.remove('selected');
        document.querySelector(`.wf-row[data-span-id="${span.spanId}"]`).classList.add('selected');
        renderPanel(span);
      },
    },
    h(
      'div',
      { class: 'wf-label', style: `padding-left:${8 + Math.min(depth, 40) * 16}px` },
      h('span', { class: `cat c-${span.category}` }),
      isError ? h('span', { class: 'err-mark', 'aria-label': 'error' }, '✗') : null,
      turn ? h('span', { class: 'turn-mark' }, `turn ${turn}`) : null,
      h('span', { class: 'name' }, span.name),
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
    } else els.push(spanRow(row, at(i)));
  }
  body.replaceChildren(...els);
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
  if (first || (changed && !byId.has(selectedSpanId))) {
    const pick = loaded.find((r) => r.span.category === 'llm') || loaded[0];
    selectedSpanId = pick ? pick.span.spanId : null;
  }
  const firstMissing = s.turns > 0 && !s.rootArrived
    ? h('p', { class: 'note', id: 'turns-note' }, "This conversation's first request (its session span) has not arrived yet: its turns are shown at the top level.")
    : null;
  const head = h(
    'div',
    { class: 'session-head' },
    h('p', {}, h('a', { href: '/sessions', id: 'back', onclick: (ev) => { ev.preventDefault(); navigate('/sessions'); } }, '← all sessions')),
    h('h1', {}, s.name || s.traceId, ' ', stateBadge(s)),
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
        ['Errors', fmtInt(t.errors)],
        ['Input tokens', fmtInt(t.inputTokens)],
        ['Output tokens', fmtInt(t.outputTokens)],
        ['Cost', fmtCost(t.costUsd)],
      ].map(([k, v]) => h('div', {}, h('b', {}, v), h('span', {}, k))),
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
  const waterfall = h('div', { class: 'waterfall', id: 'waterfall', 'data-rows': view.rowCount }, h('div', { class: 'wf-row head' }, h('div', { class: 'wf-label' }, `${fmtInt(view.rowCount)} spans`), h('div', { class: 'wf-ticks' }, ticks)), body);
  // The side panel stays as it was (its scroll, open sections, selected text) while its span is unchanged.
  const sel = byId.get(selectedSpanId);
  const oldPanel = first ? null : document.getElementById('span-panel');
  const keep = oldPanel !== null && (!changed || (sel !== undefined && panelShows(sel)));
  const scrollX = window.scrollX;
  const scrollY = window.scrollY;
  const panelScroll = keep ? oldPanel.scrollTop : 0;
  const panel = keep ? oldPanel : h('aside', { class: 'panel', id: 'span-panel' });
  main.replaceChildren(...[head, firstMissing, legend, h('div', { class: 'layout' }, waterfall, panel)].filter(Boolean));
  if (!first) window.scrollTo(scrollX, scrollY);
  paint();
  if (!keep && sel) renderPanel(sel);
  if (!first) panel.scrollTop = panelScroll;
}
