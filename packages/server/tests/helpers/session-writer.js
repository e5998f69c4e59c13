// Writes a session of any size straight into a server's database, in one SQL statement (a million
// spans take seconds, where sending them over OTLP would take minutes): what a reader of the REST
// API or the viewer then sees is the same as if they had been sent. Plain CommonJS JavaScript so
// that the tests and the ingest benchmark (bench/ingest.mjs) share it. Shapes:
// - `wide`: one root, every other span its child;
// - `chain`: each span the child of the one before (as deep as the session is long);
// - `agents`: one root, `fanout` agent spans under it, the rest spread evenly under the agents.
// Span `i` (1-based) has the id `%016x` of i, starts at START_NS + i microseconds, lasts 1 ms and is
// named `span <i>`; span 1 is the root. With `running`, the root is not written (a session still
// running has not sent it) and the others stay as they are. Each body is an empty OTLP `Span`.
// `errors` (span numbers) end with status ERROR; `names` ({ [span number]: name }) and
// `categories` ({ [span number]: category }) replace those of the spans named.
'use strict';

const path = require('node:path');
const { DatabaseSync } = require(path.join(__dirname, '..', '..', 'src', 'load-sqlite.js'));

const START_NS = 1_700_000_000_000_000_000n;
const spanIdOf = (i) => i.toString(16).padStart(16, '0');

function parentOf(shape) {
  if (shape.kind === 'wide') return '1';
  if (shape.kind === 'chain') return 'i - 1';
  const f = shape.fanout;
  return `CASE WHEN i <= ${f + 1} THEN 1 ELSE 2 + (i - ${f + 2}) % ${f} END`;
}

/** `server`: { storage: { path }, project: { id } } (a LocalServer). */
function writeSession(server, traceId, spans, shape, options = {}) {
  const db = new DatabaseSync(server.storage.path);
  const p = server.project.id;
  const end = START_NS + BigInt(spans) * 1000n + 1_000_000n;
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    db.prepare("INSERT OR IGNORE INTO resources (project_id, hash, attributes) VALUES (?, 'written', '{\"service.name\":\"written\"}')").run(p);
    const resourceId = db.prepare("SELECT id FROM resources WHERE project_id = ? AND hash = 'written'").get(p).id;
    db.exec('BEGIN');
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO spans (project_id, trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status_code, body, resource_id, scope_name, scope_version, category)
       SELECT ?, ?, printf('%016x', i), CASE WHEN i = 1 THEN NULL ELSE printf('%016x', ${parentOf(shape)}) END, 'span ' || i, 1,
              ? + i * 1000, ? + i * 1000 + 1000000, 0, X'', ?, 'written', '1', CASE WHEN i = 1 THEN 'session' ELSE 'other' END
       FROM n`,
    ).run(options.running ? 2 : 1, spans, p, traceId, START_NS, START_NS, resourceId);
    const setError = db.prepare('UPDATE spans SET status_code = 2 WHERE project_id = ? AND trace_id = ? AND span_id = ?');
    for (const i of options.errors || []) setError.run(p, traceId, spanIdOf(i));
    const setName = db.prepare('UPDATE spans SET name = ? WHERE project_id = ? AND trace_id = ? AND span_id = ?');
    for (const [i, name] of Object.entries(options.names || {})) setName.run(name, p, traceId, spanIdOf(Number(i)));
    const setCategory = db.prepare('UPDATE spans SET category = ? WHERE project_id = ? AND trace_id = ? AND span_id = ?');
    for (const [i, category] of Object.entries(options.categories || {})) setCategory.run(category, p, traceId, spanIdOf(Number(i)));
    if (options.running) {
      db.prepare('INSERT INTO sessions (project_id, trace_id, start_ns, end_ns, span_count, updated_ms) VALUES (?, ?, ?, ?, ?, ?)').run(p, traceId, START_NS, end, spans - 1, Date.now());
    } else {
      db.prepare(
        `INSERT INTO sessions (project_id, trace_id, has_root, root_is_session_span, root_span_id, name, start_ns, end_ns, root_start_ns, root_end_ns, span_count, updated_ms)
         VALUES (?, ?, 1, 1, ?, 'written', ?, ?, ?, ?, ?, ?)`,
      ).run(p, traceId, spanIdOf(1), START_NS, end, START_NS, end, spans, Date.now());
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

module.exports = { START_NS, spanIdOf, writeSession };
