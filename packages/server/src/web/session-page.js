// One session's page: its totals, the waterfall of its spans and the side panel of the selected
// span. They share one file because a refresh of a running session redraws the waterfall but
// keeps the panel as the reader left it, which needs both to agree on which span is shown.
import { api } from './api-client.js';
import { navigate, refreshIn } from './app.js';
import { panelShows, renderPanel } from './span-panel.js';
import { fmtCost, fmtInt, fmtMs, fmtTime, h, stateBadge } from './view-helpers.js';

const SESSION_REFRESH_MS = 2000;
const main = document.getElementById('main');
let selectedSpanId = null;

export async function sessionPage(traceId, first) {
  let data;
  try {
    data = await api(`/api/sessions/${encodeURIComponent(traceId)}`);
  } catch (e) {
    if (e.status === 404) {
      main.replaceChildren(h('p', {}, h('a', { href: '/sessions', onclick: (ev) => { ev.preventDefault(); navigate('/sessions'); } }, '← all sessions')), h('p', { class: 'muted' }, `Session ${traceId} has not arrived yet.`));
      refreshIn(() => sessionPage(traceId, false).catch(() => undefined), SESSION_REFRESH_MS);
      return;
    }
    throw e;
  }
  renderSession(data, first);
  // A running session is polled until it ends; a conversation until its first request arrives.
  if (data.session.running || (data.session.turns > 0 && !data.session.rootArrived)) refreshIn(() => sessionPage(traceId, false).catch(() => undefined), SESSION_REFRESH_MS);
}

function flatten(tree) {
  const out = [];
  const walk = (nodes, depth) => {
    for (const n of nodes) {
      out.push({ span: n, depth });
      walk(n.children, depth + 1);
    }
  };
  walk(tree, 0);
  return out;
}

// A conversation's requests, numbered in the order they started: its first (the session span, the
// root) and each resumed one (a turn span). A session of one request has no turn numbers.
function turnNumbers(rows) {
  if (!rows.some((r) => r.span.category === 'turn')) return new Map();
  const requests = rows.filter((r) => r.span.category === 'turn' || r.span.parentSpanId === null).map((r) => r.span);
  requests.sort((a, b) => a.startMs - b.startMs);
  return new Map(requests.map((span, i) => [span.spanId, i + 1]));
}

// The duration sits inside a wide bar, after a narrow one, or before a narrow one at the far right.
function durationLabel(ms, left, width) {
  if (width > 12) return h('span', { class: 'wf-dur inside', style: `left:${left}%` }, fmtMs(ms));
  if (left + width > 85) return h('span', { class: 'wf-dur', style: `right:${100 - left}%` }, fmtMs(ms));
  return h('span', { class: 'wf-dur', style: `left:${left + width}%` }, fmtMs(ms));
}

function renderSession(data, first) {
  const s = data.session;
  const t = data.totals;
  const rows = flatten(data.tree);
  const spans = new Map(rows.map((r) => [r.span.spanId, r.span]));
  if (first || !spans.has(selectedSpanId)) selectedSpanId = (rows.find((r) => r.span.category === 'llm') || rows[0] || { span: {} }).span.spanId || null;
  const t0 = Math.min(...rows.map((r) => r.span.startMs));
  const t1 = Math.max(...rows.map((r) => r.span.startMs + r.span.durationMs));
  const total = Math.max(t1 - t0, 0.001);
  const turnNo = turnNumbers(rows);
  const firstMissing = s.turns > 0 && !s.rootArrived
    ? h('p', { class: 'note', id: 'turns-note' }, "This conversation's first request (its session span) has not arrived yet: its turns are shown at the top level.")
    : null;

  const head = h(
    'div',
    { class: 'session-head' },
    h('p', {}, h('a', { href: '/sessions', id: 'back', onclick: (ev) => { ev.preventDefault(); navigate('/sessions'); } }, '← all sessions')),
    h('h1', {}, s.name || s.traceId, ' ', stateBadge(s)),
    h('div', { class: 'muted' }, `trace ${s.traceId}`, s.sessionId ? ` · session ${s.sessionId}` : '', ` · started ${fmtTime(s.startTime)}`, s.endReason ? ` · ${s.endReason}` : ''),
    h('div', {}, s.tags.map((x) => h('span', { class: 'tag' }, x))),
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

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => h('span', { style: `left:${f * 100}%` }, fmtMs(total * f)));
  const wfRows = rows.map(({ span, depth }) => {
    const isError = span.status.code === 2;
    const left = ((span.startMs - t0) / total) * 100;
    const width = Math.max((span.durationMs / total) * 100, 0.2);
    const turn = turnNo.get(span.spanId);
    return h(
      'div',
      {
        class: `wf-row${isError ? ' error' : ''}${turn ? ' turn' : ''}${span.spanId === selectedSpanId ? ' selected' : ''}`,
        'data-span-id': span.spanId,
        'data-category': span.category,
        'data-depth': depth,
        'data-turn': turn,
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
        { class: 'wf-label', style: `padding-left:${8 + depth * 16}px` },
        h('span', { class: `cat c-${span.category}` }),
        isError ? h('span', { class: 'err-mark', 'aria-label': 'error' }, '✗') : null,
        turn ? h('span', { class: 'turn-mark' }, `turn ${turn}`) : null,
        h('span', { class: 'name' }, span.name),
      ),
      h(
        'div',
        { class: 'wf-track' },
        h('div', { class: `wf-bar c-${span.category}`, style: `left:${left}%;width:${width}%` }),
        durationLabel(span.durationMs, left, width),
      ),
    );
  });
  const legend = h(
    'div',
    { class: 'legend' },
    ['session', 'turn', 'llm', 'tool', 'action', 'agent', 'other'].map((c) => h('span', {}, h('span', { class: `cat c-${c}` }), c)),
    h('span', {}, h('span', { class: 'err-mark' }, '✗'), 'error'),
  );
  const waterfall = h('div', { class: 'waterfall', id: 'waterfall' }, h('div', { class: 'wf-row head' }, h('div', { class: 'wf-label' }, `${rows.length} spans`), h('div', { class: 'wf-ticks' }, ticks)), wfRows);
  // A refresh of a running session keeps what the reader was doing: the page's scroll position,
  // and the side panel as it was (its scroll, open sections, selected text) while its span is unchanged.
  const sel = spans.get(selectedSpanId);
  const oldPanel = first ? null : document.getElementById('span-panel');
  const keep = oldPanel !== null && sel !== undefined && panelShows(sel);
  const scrollX = window.scrollX;
  const scrollY = window.scrollY;
  const panelScroll = keep ? oldPanel.scrollTop : 0;
  const panel = keep ? oldPanel : h('aside', { class: 'panel', id: 'span-panel' });
  main.replaceChildren(...[head, firstMissing, legend, h('div', { class: 'layout' }, waterfall, panel)].filter(Boolean));
  if (!keep && sel) renderPanel(sel);
  if (!first) {
    window.scrollTo(scrollX, scrollY);
    panel.scrollTop = panelScroll;
  }
}
