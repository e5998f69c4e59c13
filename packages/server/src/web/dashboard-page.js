// The dashboard: tokens, cost and LLM latency per model, tool calls and error rate per tool, and
// sessions per end state, over a time range cut into buckets (GET /api/dashboard), drawn with
// uPlot. Range and bucket live in the URL (/dashboard?range=24h&bucket=auto, or range=custom with
// from= and to=), so a view can be shared and reloaded. Clicking a point lists the sessions behind
// it (GET /api/dashboard/sessions) under the charts.
//
// Names of models and tools are whatever an agent sent: uPlot writes series labels into its legend
// as text (textContent) and draws axis labels on the canvas; everything else here goes through h().
import { api } from './api-client.js';
import { navigate } from './app.js';
import { fmtCost, fmtInt, fmtMs, fmtTime, h, stateBadge } from './view-helpers.js';

const main = document.getElementById('main');
const RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
const RANGE_NAMES = { '1h': 'Last hour', '24h': 'Last day', '7d': 'Last week', custom: 'Custom' };
const BUCKETS = ['auto', '1m', '5m', '15m', '1h', '6h', '1d'];
const PALETTE = ['#7c3aed', '#059669', '#2563eb', '#d97706', '#db2777', '#0891b2', '#65a30d', '#dc2626', '#4b5563', '#ca8a04'];
const STATE_COLORS = { Success: '#16a34a', Fail: '#dc2626', Indeterminate: '#64748b', running: '#2563eb', none: '#a3a3a3' };

// Loaded on the first visit to this page only: the other pages do not need a charting library.
let uPlotModule = null;
async function loadUPlot() {
  if (!uPlotModule) {
    document.head.append(h('link', { rel: 'stylesheet', href: '/assets/vendor/uplot/uPlot.min.css' }));
    uPlotModule = (await import('./vendor/uplot/uPlot.esm.js')).default;
  }
  return uPlotModule;
}

/** What the URL asks for, with the absolute range it means now. */
function viewOf(search) {
  const q = new URLSearchParams(search);
  const range = q.get('range') === 'custom' || RANGES[q.get('range')] ? q.get('range') : q.get('from') ? 'custom' : '24h';
  const bucket = q.get('bucket') || 'auto';
  if (range === 'custom') return { range, bucket, from: q.get('from') || '', to: q.get('to') || '' };
  const to = Date.now();
  return { range, bucket, from: String(to - RANGES[range]), to: String(to) };
}

// An input's local time, epoch milliseconds or an ISO date -> ISO 8601; '' when it is none of them.
function instant(v) {
  const d = new Date(/^-?\d+$/.test(v) ? Number(v) : v);
  return v && !isNaN(d) ? d.toISOString() : '';
}

function urlOf(view) {
  const q = new URLSearchParams({ range: view.range, bucket: view.bucket });
  if (view.range === 'custom') {
    if (view.from) q.set('from', view.from);
    if (view.to) q.set('to', view.to);
  }
  return `/dashboard?${q}`;
}

// datetime-local inputs speak local wall-clock time without a zone; the URL and API take instants.
function toLocalInput(v) {
  const d = new Date(/^-?\d+$/.test(v) ? Number(v) : v);
  if (isNaN(d)) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export async function dashboardPage() {
  const view = viewOf(location.search);
  const q = new URLSearchParams({ bucket: view.bucket });
  if (view.from) q.set('from', view.from);
  if (view.to) q.set('to', view.to);
  renderShell(view);
  let uPlot, data;
  try {
    [uPlot, data] = await Promise.all([loadUPlot(), api(`/api/dashboard?${q}`)]);
  } catch (e) {
    if (e.status !== 400) throw e;
    // A range or bucket the server refuses (a hand-edited URL): say why and keep the pickers.
    const text = document.getElementById('dash-range-text');
    text.className = 'error-text';
    text.textContent = e.message;
    return;
  }
  window.__dashboardData = data;
  renderTotals(data);
  renderCharts(uPlot, data);
}

function renderShell(view) {
  const range = h('select', { id: 'dash-range' }, Object.entries(RANGE_NAMES).map(([v, t]) => h('option', { value: v, selected: v === view.range }, t)));
  const bucket = h('select', { id: 'dash-bucket' }, [...new Set([...BUCKETS, view.bucket])].map((b) => h('option', { value: b, selected: b === view.bucket }, b === 'auto' ? 'auto bucket' : `${b} buckets`)));
  const from = h('input', { type: 'datetime-local', id: 'dash-from', value: toLocalInput(view.from) });
  const to = h('input', { type: 'datetime-local', id: 'dash-to', value: toLocalInput(view.to) });
  const showCustom = () => {
    from.hidden = to.hidden = range.value !== 'custom';
  };
  range.addEventListener('change', showCustom);
  showCustom();
  const apply = (ev) => {
    ev.preventDefault();
    const next = { range: range.value, bucket: bucket.value };
    if (next.range === 'custom') {
      // From the inputs when filled, else the range shown so far: switching to Custom keeps the view.
      next.from = instant(from.value) || instant(view.from);
      next.to = instant(to.value) || instant(view.to);
    }
    navigate(urlOf(next));
  };
  main.replaceChildren(
    h('form', { class: 'filters', id: 'dash-filters', onsubmit: apply }, h('b', {}, 'Dashboard'), range, from, to, bucket, h('button', { type: 'submit' }, 'Show')),
    h('p', { class: 'muted', id: 'dash-range-text' }, 'Loading…'),
    h('div', { class: 'totals', id: 'dash-totals' }),
    h('div', { class: 'dash-grid', id: 'dash-charts' }),
    h('div', { id: 'dash-point' }),
  );
}

function renderTotals(d) {
  document.getElementById('dash-range-text').textContent = `${fmtTime(d.from)} to ${fmtTime(d.to)}, ${d.buckets.length} buckets of ${d.bucket}`;
  const t = d.totals;
  const item = (id, value, label) => h('div', { id }, h('b', {}, value), h('span', {}, label));
  document.getElementById('dash-totals').replaceChildren(
    item('dash-total-sessions', fmtInt(t.sessions), 'sessions started'),
    item('dash-total-llm', fmtInt(t.llmCalls), 'LLM calls'),
    item('dash-total-tokens', `${fmtInt(t.inputTokens)} / ${fmtInt(t.outputTokens)}`, 'tokens in / out'),
    item('dash-total-cost', fmtCost(t.costUsd), 'cost'),
    item('dash-total-tools', fmtInt(t.toolCalls), 'tool calls'),
    item('dash-total-tool-errors', fmtInt(t.toolErrors), 'failed tool calls'),
  );
}

const modelName = (m) => (m === null ? '(no model)' : m);
const pct = (v) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

/** The charts: each a list of series, with the filter that finds the sessions behind a point of it. */
function chartSpecs(d) {
  const models = d.models.map((m, i) => ({ m, color: PALETTE[i % PALETTE.length] }));
  const tools = d.tools.map((t, i) => ({ t, color: PALETTE[i % PALETTE.length] }));
  return [
    {
      id: 'tokens',
      title: 'Tokens per model (input + output)',
      fmt: fmtInt,
      series: models.map(({ m, color }) => ({ label: modelName(m.model), color, values: m.inputTokens.map((v, i) => v + m.outputTokens[i]), filter: { model: m.model ?? '' } })),
    },
    { id: 'cost', title: 'Cost per model (USD)', fmt: fmtCost, series: models.map(({ m, color }) => ({ label: modelName(m.model), color, values: m.costUsd, filter: { model: m.model ?? '' } })) },
    {
      id: 'latency',
      title: 'LLM latency p50 / p95 per model',
      fmt: fmtMs,
      series: models.flatMap(({ m, color }) => [
        { label: `${modelName(m.model)} p50`, color, values: m.latencyP50Ms, filter: { model: m.model ?? '' } },
        { label: `${modelName(m.model)} p95`, color, dash: [6, 4], values: m.latencyP95Ms, filter: { model: m.model ?? '' } },
      ]),
    },
    { id: 'tool-calls', title: 'Tool calls per tool', fmt: fmtInt, series: tools.map(({ t, color }) => ({ label: t.tool, color, values: t.calls, filter: { tool: t.tool } })) },
    { id: 'tool-errors', title: 'Tool error rate per tool', fmt: pct, series: tools.map(({ t, color }) => ({ label: t.tool, color, values: t.errorRate, filter: { tool: t.tool, errors: 'true' } })) },
    {
      id: 'sessions',
      title: 'Sessions per end state',
      fmt: fmtInt,
      series: d.endStates.map((s, i) => ({ label: s.endState, color: STATE_COLORS[s.endState] ?? PALETTE[i % PALETTE.length], values: s.sessions, filter: { end_state: s.endState } })),
    },
  ];
}

function renderCharts(uPlot, d) {
  const grid = document.getElementById('dash-charts');
  const charts = {};
  const xs = d.buckets.map((ms) => ms / 1000);
  for (const spec of chartSpecs(d)) {
    const plot = h('div', { class: 'dash-plot' });
    const card = h('section', { class: 'card dash-chart', id: `chart-${spec.id}`, 'data-chart': spec.id }, h('h2', {}, spec.title), plot);
    grid.append(card);
    if (spec.series.length === 0) {
      plot.append(h('p', { class: 'muted' }, 'Nothing in this range.'));
      continue;
    }
    const width = Math.max(320, plot.clientWidth || 600);
    const u = new uPlot(
      {
        width,
        height: 220,
        cursor: { points: { size: 8 } },
        legend: { live: true },
        // Half a bucket of room at each end, so the first and last points are not on the edges.
        scales: { x: { time: true, range: (_u, min, max) => [min - d.bucketMs / 2000, max + d.bucketMs / 2000] } },
        axes: [{}, { size: 84, values: (_u, ticks) => ticks.map((v) => spec.fmt(v)) }],
        series: [
          { label: 'bucket', value: (_u, v) => (v === null || v === undefined ? '-' : fmtTime(new Date(v * 1000).toISOString())) },
          ...spec.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, points: { show: true, size: 5 }, spanGaps: false, value: (_u, v) => (v === null || v === undefined ? '-' : spec.fmt(v)) })),
        ],
      },
      [xs, ...spec.series.map((s) => s.values)],
      plot,
    );
    u.over.addEventListener('click', (ev) => {
      const hit = pointAt(u, spec, ev.offsetX, ev.offsetY);
      if (hit) showPoint(d, spec, hit.series, hit.idx);
    });
    u.over.style.cursor = 'pointer';
    charts[spec.id] = u;
  }
  // The charts as drawn (uPlot instances: data, series labels), for whoever wants to read them.
  window.__dashboardCharts = charts;
}

/** The bucket under the pointer, and the series whose point there is nearest to it vertically. */
function pointAt(u, spec, x, y) {
  const idx = u.posToIdx(x);
  if (idx === null || idx === undefined || idx < 0 || idx >= u.data[0].length) return null;
  let best = null;
  spec.series.forEach((s, i) => {
    const v = u.data[i + 1][idx];
    if (v === null || v === undefined || !u.series[i + 1].show) return;
    const dist = Math.abs(u.valToPos(v, 'y') - y);
    if (best === null || dist < best.dist) best = { dist, series: s };
  });
  return best && { idx, series: best.series };
}

async function showPoint(d, spec, series, idx) {
  const start = Math.max(d.buckets[idx], Date.parse(d.from));
  const end = Math.min(d.buckets[idx] + d.bucketMs, Date.parse(d.to));
  const q = new URLSearchParams({ from: String(start), to: String(end), limit: '200', ...series.filter });
  const box = document.getElementById('dash-point');
  const title = h('h2', { id: 'dash-point-title' }, `${spec.title}: `, h('span', { class: 'dash-series' }, series.label), `, ${fmtTime(new Date(start).toISOString())} to ${fmtTime(new Date(end).toISOString())}`);
  box.replaceChildren(h('section', { class: 'card' }, title, h('p', { class: 'muted' }, 'Loading…')));
  box.dataset.query = q.toString();
  let r;
  try {
    r = await api(`/api/dashboard/sessions?${q}`);
  } catch (e) {
    box.replaceChildren(h('section', { class: 'card' }, title, h('p', { class: 'error-text' }, `Error: ${e.message}`)));
    return;
  }
  if (box.dataset.query !== q.toString()) return; // another point was clicked meanwhile
  const pointHead = series.filter.end_state ? 'LLM + tool calls' : series.filter.tool ? 'Calls' : 'LLM calls';
  const head = ['Started', 'Name', 'End state', pointHead, 'Failed', 'Tokens in / out', 'Cost', 'Session errors'];
  const rows = r.sessions.map((s) =>
    h(
      'tr',
      { 'data-trace-id': s.traceId },
      h('td', {}, fmtTime(s.startTime)),
      h('td', {}, h('a', { href: `/sessions?trace_id=${s.traceId}`, onclick: (ev) => { ev.preventDefault(); navigate(`/sessions?trace_id=${s.traceId}`); } }, s.name || s.sessionId || s.traceId)),
      h('td', {}, stateBadge(s)),
      h('td', { class: 'num' }, fmtInt(s.point.calls)),
      h('td', { class: 'num' }, fmtInt(s.point.errors)),
      h('td', { class: 'num' }, `${fmtInt(s.point.inputTokens)} / ${fmtInt(s.point.outputTokens)}`),
      h('td', { class: 'num' }, fmtCost(s.point.costUsd)),
      h('td', { class: 'num' }, fmtInt(s.totals.errors)),
    ),
  );
  const shown = r.total > r.sessions.length ? `${r.sessions.length} of ${fmtInt(r.total)} sessions (newest first)` : `${fmtInt(r.total)} session${r.total === 1 ? '' : 's'}`;
  box.replaceChildren(
    h(
      'section',
      { class: 'card' },
      title,
      h('p', { class: 'muted', id: 'dash-point-count' }, shown),
      h('table', { class: 'sessions', id: 'dash-sessions' }, h('thead', {}, h('tr', {}, head.map((t, i) => h('th', { class: i >= 3 ? 'num' : null }, t)))), h('tbody', {}, rows)),
    ),
  );
}
