// The local backend's write path, on a worker thread of its own, so that decoding the next
// requests (main thread) and storing the previous ones (here) use two cores. Plain CommonJS
// JavaScript, not TypeScript, because a worker thread loads a file as it is on disk, both from
// the sources and from the build (which copies this file); the messages it takes and gives are
// typed in write-queue.ts.
//
// in:  { id, batches: [{ projectId, spans: SpanRecord[], resources: string[], body: Uint8Array, metrics: DecodedMetric[] }] }  one transaction
//      'close'
// out: { id, result: 'ok', ms } | { id, result: 'busy' } | { id, result: 'error', message }
'use strict';

const { createHash } = require('node:crypto');
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('./load-sqlite.js');
const { prepareSessionRollup } = require('./session-rollup.js');

const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA synchronous = NORMAL');
// Never wait for a lock another process holds: answer 'busy' and let the queue retry later.
db.exec('PRAGMA busy_timeout = 0');
// Checkpoints run on their own thread (checkpointer.ts), not inside these commits.
db.exec('PRAGMA wal_autocheckpoint = 0');
// After the checkpointer lets the log start again, the file is cut back to this size.
db.exec(`PRAGMA journal_size_limit = ${workerData.journalSizeLimit}`);

const insertSpan = db.prepare(
  `INSERT OR IGNORE INTO spans (project_id, trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status_code, body, resource_id,
    scope_name, scope_version, category, input_tokens, output_tokens, cost_usd, model, tool_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
// Resources are stored once per project: the same attributes arrive on every span of an agent.
const insertResource = db.prepare('INSERT OR IGNORE INTO resources (project_id, hash, attributes) VALUES (?, ?, ?)');
const resourceId = db.prepare('SELECT id FROM resources WHERE project_id = ? AND hash = ?');
const upsertSession = db.prepare(
  `INSERT INTO sessions (project_id, trace_id, start_ns, end_ns, span_count, llm_calls, tool_calls, errors, input_tokens, output_tokens, cost_usd, updated_ms)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (project_id, trace_id) DO UPDATE SET
     start_ns = min(start_ns, excluded.start_ns), end_ns = max(end_ns, excluded.end_ns),
     span_count = span_count + excluded.span_count, llm_calls = llm_calls + excluded.llm_calls,
     tool_calls = tool_calls + excluded.tool_calls, errors = errors + excluded.errors,
     input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
     cost_usd = cost_usd + excluded.cost_usd, updated_ms = excluded.updated_ms`,
);
// A session's distinct span names, services and models (schema.ts, SESSION_TERMS), each with the
// earliest start it was seen at.
const upsertTerm = db.prepare(
  `INSERT INTO session_terms (project_id, trace_id, kind, value, first_ns) VALUES (?, ?, ?, ?, ?)
   ON CONFLICT (project_id, trace_id, kind, value) DO UPDATE SET first_ns = min(first_ns, excluded.first_ns) WHERE excluded.first_ns < first_ns`,
);
// What root and turn spans say about their session: name, end state, turn count.
const rollup = prepareSessionRollup(db);
const insertPoint = db.prepare(
  `INSERT INTO metric_points (project_id, name, description, unit, type, temporality, is_monotonic, start_ns, time_ns, attributes, value, count,
    sum, min, max, bucket_counts, explicit_bounds, resource, scope_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);

function writeOne(b) {
  const p = b.projectId;
  const deltas = new Map();
  const now = Date.now();
  const resourceIds = b.resources.map((json) => {
    const hash = createHash('sha256').update(json).digest('base64url');
    insertResource.run(p, hash, json);
    return resourceId.get(p, hash).id;
  });
  // A view over the request's bytes (copied once to this thread); each span binds its own range.
  const body = Buffer.from(b.body.buffer, b.body.byteOffset, b.body.byteLength);
  const newTurns = [];
  // Deduplicated per batch first: most spans of an agent repeat a few names, services and models.
  const terms = new Map();
  const term = (traceId, kind, value, ns) => {
    const key = `${traceId}\n${kind}\n${value}`;
    const t = terms.get(key);
    if (t === undefined) terms.set(key, { traceId, kind, value, ns });
    else if (ns < t.ns) t.ns = ns;
  };
  for (const r of b.spans) {
    const inserted =
      insertSpan.run(
        p, r.traceId, r.spanId, r.parentSpanId, r.name, r.kind, r.startNs, r.endNs, r.statusCode, body.subarray(r.bodyStart, r.bodyEnd),
        resourceIds[r.resource], r.scopeName, r.scopeVersion, r.category, r.inputTokens, r.outputTokens, r.costUsd, r.model, r.toolName,
      ).changes === 1;
    let d = deltas.get(r.traceId);
    if (d === undefined) {
      d = { spans: 0, llm: 0, tool: 0, errors: 0, input: 0, output: 0, cost: 0, start: r.startNs, end: r.startNs };
      deltas.set(r.traceId, d);
    }
    if (r.startNs < d.start) d.start = r.startNs;
    // The session's end is never before one of its spans' starts, even for a span sent ending before
    // it starts: the dashboard finds a range's spans through the sessions that overlap it.
    if (r.endNs > d.end) d.end = r.endNs;
    if (r.startNs > d.end) d.end = r.startNs;
    // A span sent twice (a retry after a lost answer) is stored once and counted once.
    if (!inserted) continue;
    if (r.turn !== null) newTurns.push(r);
    term(r.traceId, 'span', r.name, r.startNs);
    if (r.serviceName !== null) term(r.traceId, 'service', r.serviceName, r.startNs);
    if (r.model !== null) term(r.traceId, 'model', r.model, r.startNs);
    if (r.category === 'agent' || r.category === 'llm') term(r.traceId, r.category, r.name, r.startNs);
    d.spans++;
    if (r.category === 'llm') d.llm++;
    if (r.category === 'tool') d.tool++;
    // The session's own spans (its root and turns) carry its end state, shown on its own: a
    // session ended Fail is not one more error on top of the spans that failed.
    if (r.statusCode === 2 && r.category !== 'session' && r.category !== 'turn') d.errors++;
    d.input += r.inputTokens ?? 0;
    d.output += r.outputTokens ?? 0;
    d.cost += r.costUsd ?? 0;
  }
  for (const t of terms.values()) upsertTerm.run(p, t.traceId, t.kind, t.value, t.ns);
  for (const [traceId, d] of deltas) upsertSession.run(p, traceId, d.start, d.end, d.spans, d.llm, d.tool, d.errors, d.input, d.output, d.cost, now);
  for (const r of b.spans) if (r.root !== null) rollup.root(p, r);
  for (const r of newTurns) rollup.turn(p, r);
  for (const m of b.metrics) {
    const resource = JSON.stringify(m.resource);
    for (const pt of m.points) {
      insertPoint.run(
        p, m.name, m.description, m.unit, m.type, m.temporality, m.isMonotonic ? 1 : 0, BigInt(pt.startTimeUnixNano), BigInt(pt.timeUnixNano),
        JSON.stringify(pt.attributes), pt.value ?? null, pt.count ?? null, pt.sum ?? null, pt.min ?? null, pt.max ?? null,
        pt.bucketCounts ? JSON.stringify(pt.bucketCounts) : null, pt.explicitBounds ? JSON.stringify(pt.explicitBounds) : null, resource, m.scope.name,
      );
    }
  }
}

// One transaction for all the batches (group commit). A failed statement or COMMIT leaves the
// transaction open (SQLITE_BUSY does), so it is rolled back before the error is answered.
function writeAll(batches) {
  db.exec('BEGIN');
  try {
    for (const b of batches) writeOne(b);
    db.exec('COMMIT');
  } catch (err) {
    try {
      db.exec('ROLLBACK');
    } catch {
      /* SQLite already ended the transaction */
    }
    throw err;
  }
}

const SQLITE_BUSY = 5;

parentPort.on('message', (msg) => {
  if (msg === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  const t0 = performance.now();
  try {
    writeAll(msg.batches);
    parentPort.postMessage({ id: msg.id, result: 'ok', ms: performance.now() - t0 });
  } catch (err) {
    // `errcode` is SQLite's extended result code; its low byte is the primary one, so every kind
    // of SQLITE_BUSY (SQLITE_BUSY_SNAPSHOT, ...) is retried: each means "not now", never "bad rows".
    if (err && (err.errcode & 0xff) === SQLITE_BUSY) parentPort.postMessage({ id: msg.id, result: 'busy' });
    else parentPort.postMessage({ id: msg.id, result: 'error', message: String((err && err.message) || err) });
  }
});
