// The shape of big sessions, kept on a thread of its own so that reading a session of a million
// spans never holds up the main thread (health checks, ingest). For each session it is asked
// about it keeps the spans' skeleton (id, parent, times, category, counts), adds what arrived since
// the last question (spans are never changed once stored, so "what changed" is "rows added"),
// and answers windows of three orders: the tree (depth-first, children by start time), start time,
// and arrival (after a sequence number). No recursion and no argument spreading anywhere: a
// session may be one root with a million children or a chain a million deep. Plain CommonJS
// JavaScript, like write-worker.js; the messages are typed in session-index.ts.
//
// The tree order is read through a view (tree-view.js): rows closed or open, a search and a kind
// filter, and a span to reveal (its closed ancestors opened); or asked for its marks (the ERROR
// spans, or the spans the filter matches) with the rows they are on.
//
// in:  { id, projectId, traceId, order: 'tree' | 'start' | 'arrival', offset, limit, since,
//        view?: { open, toggle, q, categories, status }, reveal?, marks?: 'errors' | 'matches' }
// out: { id, ok: true, seq, rowCount, spanCount, errorSpans, startMs, endMs, totals, ids, depths, turns, seqs,
//        children, open, match, errorsBelow, toggle, revealRow, matchCount, marks } | { id, ok: false, message }
'use strict';

const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('./load-sqlite.js');
const { buildView, closedAbove, shapeOf } = require('./tree-view.js');

const db = new DatabaseSync(workerData.file, { readOnly: true });
db.exec('PRAGMA busy_timeout = 2000');

// Read in chunks, each its own short read transaction: a reader holding an old snapshot keeps the
// checkpointer from finishing, and while a RESTART checkpoint waits for it no span can be written
// (checkpointer.ts). Small chunks keep every read to a few milliseconds.
const CHUNK = 2000;
// Rows of the whole table walked by one read when looking for a session's newest spans.
const ROWID_WINDOW = 4096;
// Reading a big session is background work: this thread runs at the lowest CPU priority, so that
// on a busy machine it takes only the time that ingest and health checks leave. Linux lets a
// thread's priority be set through its thread id; elsewhere it keeps the process's priority.
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) require('node:os').setPriority(tid, 19);
} catch {
  /* not Linux, or not allowed: the same priority as the rest of the server */
}

// While the checkpointer runs a RESTART checkpoint it raises this gate (checkpointer.ts): a
// RESTART waits for every reader, and commits wait with it, so no chunk starts until it is done.
const gate = workerData.gate;
// The wait is bounded: a gate left up (a checkpointer thread gone in the middle of a RESTART)
// must not leave the viewer without answers; past the bound the read goes ahead, as before the gate.
const GATE_WAIT_MS = 5000;
function waitForCheckpoint() {
  if (gate === undefined || Atomics.load(gate, 0) !== 1) return;
  const until = Date.now() + GATE_WAIT_MS;
  while (Atomics.load(gate, 0) === 1 && Date.now() < until) Atomics.wait(gate, 0, 1, 100);
}

/** node:sqlite from 22.16 answers rows as arrays; before, the objects' values are taken in column order. */
function arrays(stmt) {
  if (typeof stmt.setReturnArrays === 'function') {
    stmt.setReturnArrays(true);
    return stmt;
  }
  return { all: (...args) => stmt.all(...args).map((r) => Object.values(r)) };
}
// Rows come as arrays (no object per row: a million of them made most of a first load's garbage)
// and the category as a small number.
const CATEGORY_CODES = { other: 0, llm: 1, tool: 2, turn: 3, session: 4, action: 5, agent: 6, handoff: 7, guardrail: 8 };
const COLUMNS = `rowid, span_id, parent_span_id, CAST(start_ns AS REAL), CAST(end_ns AS REAL), CASE category ${Object.entries(CATEGORY_CODES)
  .filter(([, code]) => code !== 0)
  .map(([name, code]) => `WHEN '${name}' THEN ${code}`)
  .join(' ')} ELSE 0 END, CAST(status_code AS REAL), input_tokens, output_tokens, cost_usd`;
const { llm: LLM, tool: TOOL, turn: TURN, session: SESSION } = CATEGORY_CODES;
const [SEQ, SPAN_ID, PARENT_ID, START, END, CATEGORY, STATUS, INPUT_TOKENS, OUTPUT_TOKENS, COST] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
// The whole session, through its primary key, in span id order.
const firstLoad = arrays(db.prepare(`SELECT ${COLUMNS} FROM spans WHERE project_id = ? AND trace_id = ? AND span_id > ? ORDER BY span_id LIMIT ${CHUNK}`));
// What arrived since: rowids only grow, so this walks the table's newest rows only, a window of
// rowids at a time (the `+` keeps SQLite from choosing the primary key index, which would visit
// every span of the session).
const newer = arrays(db.prepare(`SELECT ${COLUMNS} FROM spans WHERE rowid > ? AND rowid <= ? AND +project_id = ? AND +trace_id = ? ORDER BY rowid`));
// How many spans the session has stored: when it is the count already read, there is nothing to look for.
const storedCount = db.prepare('SELECT span_count AS c FROM sessions WHERE project_id = ? AND trace_id = ?');
const lastRowid = db.prepare('SELECT max(rowid) AS m FROM spans');
// A search: the span's name in any case, or the exact bytes of an attribute's key or value (the
// stored span is its OTLP protobuf, where strings are kept as UTF-8 as sent).
const search = db.prepare("SELECT span_id FROM spans WHERE project_id = ? AND trace_id = ? AND (instr(lower(name), ?) > 0 OR instr(body, ?) > 0)");

// Sessions kept, least recently asked first; past this many spans in all, the oldest go.
const MAX_CACHED_SPANS = workerData.maxCachedSpans || 3000000;
const cache = new Map();

function grow(a, n) {
  if (a.length >= n) return a;
  const b = new a.constructor(Math.max(n, a.length * 2, 1024));
  b.set(a);
  return b;
}

function newSession(key) {
  return {
    key, n: 0, seq: 0, scanned: 0, ids: [], index: new Map(), cats: new Uint8Array(0), isRoot: new Uint8Array(0),
    // Spans whose parent has not been found yet, with the parent's id: looked up again at each rebuild.
    pending: new Map(),
    start: new Float64Array(0), end: new Float64Array(0), seqOf: new Float64Array(0), err: new Uint8Array(0),
    pos: new Int32Array(0), shape: null, views: new Map(), searches: new Map(),
    parentIdx: new Int32Array(0), byStart: new Int32Array(0), bySeq: new Int32Array(0),
    order: new Int32Array(0), depth: new Int32Array(0), turnOf: new Map(), dirty: true, hasTurns: false,
    minStart: Infinity, maxEnd: -Infinity,
    totals: { spans: 0, llmCalls: 0, toolCalls: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
  };
}

function add(S, rows) {
  const need = S.n + rows.length;
  S.start = grow(S.start, need);
  S.end = grow(S.end, need);
  S.seqOf = grow(S.seqOf, need);
  S.parentIdx = grow(S.parentIdx, need);
  S.cats = grow(S.cats, need);
  S.isRoot = grow(S.isRoot, need);
  S.err = grow(S.err, need);
  const t = S.totals;
  for (const r of rows) {
    const id = r[SPAN_ID];
    if (S.index.has(id)) continue;
    const i = S.n++;
    const seq = r[SEQ];
    const s = r[START];
    const e = r[END];
    const cat = r[CATEGORY];
    S.ids.push(id);
    S.index.set(id, i);
    S.start[i] = s;
    S.end[i] = e;
    S.seqOf[i] = seq;
    S.cats[i] = cat;
    S.parentIdx[i] = -1;
    // An ERROR span is an error, except the session's own root and turn spans, which carry its end state.
    S.err[i] = r[STATUS] === 2 && cat !== SESSION && cat !== TURN ? 1 : 0;
    const parent = r[PARENT_ID];
    if (parent === null) S.isRoot[i] = 1;
    else {
      S.isRoot[i] = 0;
      const p = S.index.get(parent);
      if (p === undefined) S.pending.set(i, parent);
      else if (p !== i) S.parentIdx[i] = p;
    }
    if (seq > S.seq) S.seq = seq;
    if (s < S.minStart) S.minStart = s;
    if (e > S.maxEnd) S.maxEnd = e;
    if (cat === TURN) S.hasTurns = true;
    t.spans++;
    if (cat === LLM) t.llmCalls++;
    if (cat === TOOL) t.toolCalls++;
    // As write-worker.js counts them.
    if (S.err[i] === 1) t.errors++;
    t.inputTokens += r[INPUT_TOKENS] || 0;
    t.outputTokens += r[OUTPUT_TOKENS] || 0;
    t.costUsd += r[COST] || 0;
    S.dirty = true;
  }
}

function refresh(S, projectId, traceId) {
  // Read first: a row committed after this has a higher rowid, and is found by the next refresh.
  const top = lastRowid.get().m || 0;
  // Read after `top`, so it counts every span at or below it (a span and its count are one commit).
  const stored = (storedCount.get(projectId, traceId) || { c: 0 }).c;
  // Fewer spans than were read (the session was pruned and sent again): read it afresh.
  if (stored < S.n) Object.assign(S, newSession(S.key));
  const before = S.n;
  if (S.n === 0) {
    // Every span at or below `top` was committed before any chunk was read, so the chunks see them all.
    let after = '';
    for (;;) {
      waitForCheckpoint();
      const rows = firstLoad.all(projectId, traceId, after);
      add(S, rows);
      if (rows.length < CHUNK) break;
      after = rows[rows.length - 1][SPAN_ID];
    }
  } else if (stored > S.n) {
    // The session grew: its new spans are among the table's rows added since the last look.
    for (let lo = S.scanned; lo < top; lo += ROWID_WINDOW) {
      waitForCheckpoint();
      add(S, newer.all(lo, Math.min(lo + ROWID_WINDOW, top), projectId, traceId));
    }
  }
  // Nothing at or below `top` is left unread; the next refresh looks only above it.
  if (top > S.scanned) S.scanned = top;
  if (top > S.seq) S.seq = top;
  if (S.dirty) rebuild(S, before);
}

function sortedIndices(from, to, key) {
  const a = new Int32Array(to - from);
  for (let i = 0; i < a.length; i++) a[i] = from + i;
  return a.sort((x, y) => key[x] - key[y] || x - y);
}

// Merges the sorted old indices with the sorted new ones, by key.
function merge(old, oldLen, fresh, key) {
  const out = new Int32Array(oldLen + fresh.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < oldLen && j < fresh.length) out[k++] = key[fresh[j]] < key[old[i]] ? fresh[j++] : old[i++];
  while (i < oldLen) out[k++] = old[i++];
  while (j < fresh.length) out[k++] = fresh[j++];
  return out;
}

function rebuild(S, before) {
  const n = S.n;
  S.byStart = merge(S.byStart, before, sortedIndices(before, n, S.start), S.start);
  S.bySeq = merge(S.bySeq, before, sortedIndices(before, n, S.seqOf), S.seqOf);
  // A parent may arrive after its children: every span still without one looks again.
  for (const [i, parent] of S.pending) {
    const p = S.index.get(parent);
    if (p === undefined) continue;
    if (p !== i) S.parentIdx[i] = p;
    S.pending.delete(i);
  }
  // Children lists as one array (CSR), each in start order because filled in start order.
  const first = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (S.parentIdx[i] !== -1) first[S.parentIdx[i] + 1]++;
  for (let i = 0; i < n; i++) first[i + 1] += first[i];
  const fill = first.slice(0, n);
  const kids = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = S.byStart[k];
    const p = S.parentIdx[i];
    if (p !== -1) kids[fill[p]++] = i;
  }
  // Depth first, with a stack of its own; a span whose parent has not arrived is at the top, and
  // a cycle (spans naming each other as parents) is cut at its earliest span.
  const order = new Int32Array(n);
  const depth = new Int32Array(n);
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  const stackDepth = new Int32Array(n);
  let out = 0;
  const walk = (root) => {
    let top = 0;
    stack[0] = root;
    stackDepth[0] = 0;
    seen[root] = 1;
    top = 1;
    while (top > 0) {
      top--;
      const i = stack[top];
      const d = stackDepth[top];
      order[out] = i;
      depth[out++] = d;
      for (let c = first[i + 1] - 1; c >= first[i]; c--) {
        const child = kids[c];
        if (seen[child]) continue;
        seen[child] = 1;
        stack[top] = child;
        stackDepth[top++] = d + 1;
      }
    }
  };
  for (let k = 0; k < n; k++) if (S.parentIdx[S.byStart[k]] === -1) walk(S.byStart[k]);
  for (let k = 0; k < n; k++) if (!seen[S.byStart[k]]) walk(S.byStart[k]);
  S.order = order;
  S.depth = depth;
  S.pos = new Int32Array(n);
  for (let k = 0; k < n; k++) S.pos[order[k]] = k;
  S.shape = shapeOf(order, depth, S.err, n);
  S.views.clear();
  S.searches.clear();
  // A conversation's requests, numbered in the order they started: its first and each resumed one.
  S.turnOf = new Map();
  if (S.hasTurns) {
    let no = 0;
    for (let k = 0; k < n; k++) {
      const i = S.byStart[k];
      if (S.cats[i] === TURN || S.isRoot[i] === 1) S.turnOf.set(i, ++no);
    }
  }
  S.dirty = false;
}

function sessionOf(projectId, traceId) {
  const key = `${projectId}\n${traceId}`;
  let S = cache.get(key);
  if (S !== undefined) cache.delete(key);
  else S = newSession(key);
  cache.set(key, S);
  refresh(S, projectId, traceId);
  let total = 0;
  for (const s of cache.values()) total += s.n;
  for (const [k, s] of cache) {
    if (total <= MAX_CACHED_SPANS || s === S) break;
    total -= s.n;
    cache.delete(k);
  }
  return S;
}

// The first position in bySeq whose sequence number is above `since`.
function afterSeq(S, since) {
  let lo = 0;
  let hi = S.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (S.seqOf[S.bySeq[mid]] <= since) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const MAX_VIEWS = 4; // views kept per session: the reader's current one and the few before it
const MAX_SEARCHES = 8;

// The positions (in tree order) of the spans the view's search, kinds and status keep, or null
// when it has none of them.
function matchOf(S, v, projectId, traceId) {
  if (v.q === '' && v.categories.length === 0 && !v.status) return null;
  let hits = null;
  if (v.q !== '') {
    hits = S.searches.get(v.q);
    if (hits === undefined) {
      hits = new Set();
      for (const r of search.all(projectId, traceId, v.q.toLowerCase(), Buffer.from(v.q, 'utf8'))) {
        const i = S.index.get(r.span_id);
        if (i !== undefined) hits.add(i);
      }
      if (S.searches.size >= MAX_SEARCHES) S.searches.clear();
      S.searches.set(v.q, hits);
    }
  }
  const cats = v.categories.length > 0 ? new Set(v.categories.map((c) => CATEGORY_CODES[c] ?? 0)) : null;
  const match = new Uint8Array(S.n);
  for (let k = 0; k < S.n; k++) {
    const i = S.order[k];
    match[k] = (hits === null || hits.has(i)) && (cats === null || cats.has(S.cats[i])) && (!v.status || S.err[i] === 1) ? 1 : 0;
  }
  return match;
}

function viewOf(S, v, projectId, traceId) {
  const toggle = new Set();
  for (const id of v.toggle) {
    const i = S.index.get(id);
    if (i !== undefined) toggle.add(S.pos[i]);
  }
  const key = JSON.stringify([v.open, [...toggle].sort((x, y) => x - y), v.q, [...v.categories].sort(), v.status]);
  let got = S.views.get(key);
  if (got !== undefined) S.views.delete(key);
  else {
    const match = matchOf(S, v, projectId, traceId);
    got = { toggle, match, view: buildView(S.shape, S.n, { open: v.open, toggle, match }) };
    if (S.views.size >= MAX_VIEWS) S.views.delete(S.views.keys().next().value);
  }
  S.views.set(key, got);
  return got;
}

const DEFAULT_VIEW = { open: 'all', toggle: [], q: '', categories: [], status: false };

function answer(m) {
  const S = sessionOf(m.projectId, m.traceId);
  const extent = {
    id: m.id, ok: true, seq: S.seq, spanCount: S.n, errorSpans: S.shape === null ? 0 : S.shape.errPrefix[S.n],
    startMs: S.n === 0 ? 0 : S.minStart / 1e6, endMs: S.n === 0 ? 0 : S.maxEnd / 1e6, totals: S.totals,
  };
  if (m.order !== 'tree') {
    const list = m.order === 'start' ? S.byStart : S.bySeq;
    const from = m.order === 'arrival' ? afterSeq(S, m.since) : Math.min(m.offset, S.n);
    const to = Math.min(from + m.limit, S.n);
    const ids = [];
    const seqs = [];
    for (let k = from; k < to; k++) {
      ids.push(S.ids[list[k]]);
      seqs.push(S.seqOf[list[k]]);
    }
    return { ...extent, rowCount: S.n, offset: from, ids, seqs, depths: ids.map(() => 0), turns: ids.map(() => 0) };
  }
  const v = m.view || DEFAULT_VIEW;
  let got = S.n === 0 ? null : viewOf(S, v, m.projectId, m.traceId);
  let revealRow = null;
  if (got !== null && m.reveal) {
    const i = S.index.get(m.reveal);
    if (i !== undefined) {
      const k = S.pos[i];
      const above = closedAbove(S.shape, got.view, k);
      if (above.length > 0) {
        const toggle = new Set(got.toggle);
        for (const p of above) {
          if (toggle.has(p)) toggle.delete(p);
          else toggle.add(p);
        }
        got = viewOf(S, { ...v, toggle: [...toggle].map((p) => S.ids[S.order[p]]) }, m.projectId, m.traceId);
      }
      revealRow = got.view.rowOf(k);
    }
  }
  const rowCount = got === null ? 0 : got.view.count;
  const out = {
    ...extent, rowCount, revealRow, matchCount: got === null || got.match === null ? null : got.view.matchCount,
    toggle: got === null ? [] : [...got.toggle].sort((x, y) => x - y).map((p) => S.ids[S.order[p]]),
  };
  if (m.marks) {
    const marks = [];
    let total = 0;
    if (got !== null && (m.marks === 'errors' || got.match !== null)) {
      for (let k = 0; k < S.n; k++) {
        const i = S.order[k];
        if (m.marks === 'errors' ? S.err[i] === 0 : got.match[k] === 0) continue;
        if (total++ < m.limit) marks.push({ spanId: S.ids[i], position: k, row: got.view.rowOf(k) });
      }
    }
    return { ...out, offset: 0, total, marks };
  }
  const from = Math.min(m.offset, rowCount);
  const to = Math.min(from + m.limit, rowCount);
  const rows = { ids: [], depths: [], turns: [], seqs: [], positions: [], children: [], open: [], match: [], errorsBelow: [] };
  for (let r = from; r < to; r++) {
    const k = got.view.posAt(r);
    const i = S.order[k];
    rows.ids.push(S.ids[i]);
    rows.depths.push(S.depth[k]);
    rows.turns.push(S.turnOf.get(i) || 0);
    rows.seqs.push(S.seqOf[i]);
    rows.positions.push(k);
    rows.children.push(S.shape.children[k]);
    rows.open.push(got.view.isOpen(k));
    rows.match.push(got.match === null ? false : got.match[k] === 1);
    rows.errorsBelow.push(got.view.errorsBelow(k));
  }
  return { ...out, offset: from, ...rows };
}

parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage(answer(m));
  } catch (err) {
    parentPort.postMessage({ id: m.id, ok: false, message: err && err.message });
  }
});
