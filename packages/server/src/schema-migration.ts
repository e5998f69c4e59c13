/**
 * Upgrades a database written by an earlier version of this backend to the current schema, in one
 * transaction taken before anything else writes (a server, `keys` and `prune` all open the file
 * through Storage), so another process opening it at the same moment waits and then finds it done.
 *
 * 1 -> 2: sessions count their turns and take the end state of the request that ended last. The
 * new columns are added, and the turn spans already stored (version 1 filed them under category
 * `other`) are found by reading the stored bytes of those spans once, re-filed as `turn`, and
 * rolled into their sessions by the same rules as the write thread (session-rollup.js).
 *
 * 2 -> 3: each session's distinct span names, services and models (session_terms) are filled from
 * the stored spans (an LLM span's model from its stored bytes), and its errors are counted again
 * without its own session and turn spans.; LLM spans keep their model and tool spans their tool name (the
 * dashboard groups by them), filled by reading the stored bytes of the LLM and tool spans once;
 * the index of sessions by end the dashboard reads by is created with the schema, after this.
 */
import type { DatabaseSync } from 'node:sqlite';
import { SERVICE_NAME } from 'agentops/semconv';
import { SESSION_TERMS } from './schema';
import { scanSpan } from './otlp/span-scan';
import { SPAN_RECORD_KEYS, modelAndTool, toSpanRecord, type SpanRecord } from './span-record';
import { transaction } from './transaction';

interface SessionRollup {
  turn(projectId: string, r: SpanRecord): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareSessionRollup } = require('./session-rollup') as { prepareSessionRollup(db: DatabaseSync): SessionRollup };

const TO_2 = [
  'ALTER TABLE sessions ADD COLUMN turns INTEGER NOT NULL DEFAULT 0',
  'ALTER TABLE sessions ADD COLUMN first_turn_start_ns INTEGER',
  'ALTER TABLE sessions ADD COLUMN state_end_ns INTEGER',
  'ALTER TABLE sessions ADD COLUMN state_span_id TEXT',
  // Until now the end state was the root span's own.
  'UPDATE sessions SET state_end_ns = root_end_ns, state_span_id = root_span_id WHERE has_root = 1',
];

interface StoredSpan {
  project_id: string;
  body: Uint8Array;
  resource: string | null;
}

function serviceNameOf(resource: string | null): unknown {
  try {
    return (JSON.parse(resource ?? '{}') as Record<string, unknown>)[SERVICE_NAME];
  } catch {
    return undefined;
  }
}

function refileTurns(db: DatabaseSync): void {
  const rows = db.prepare(
    `SELECT project_id, body, (SELECT attributes FROM resources WHERE resources.id = spans.resource_id) AS resource
     FROM spans WHERE category = 'other' AND parent_span_id IS NOT NULL`,
  );
  const turns: Array<{ projectId: string; record: SpanRecord }> = [];
  for (const row of rows.iterate() as Iterable<StoredSpan>) {
    const buf = Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength);
    let record: SpanRecord;
    try {
      const where = { bodyStart: 0, bodyEnd: buf.length, resource: 0, serviceName: serviceNameOf(row.resource), scope: { name: '', version: '' } };
      record = toSpanRecord(scanSpan(buf, 0, buf.length, SPAN_RECORD_KEYS), where);
    } catch {
      continue; // bytes that were stored could be read at ingest; a damaged row stays as it is
    }
    if (record.turn !== null) turns.push({ projectId: row.project_id, record });
  }
  const refile = db.prepare("UPDATE spans SET category = 'turn' WHERE project_id = ? AND trace_id = ? AND span_id = ?");
  const rollup = prepareSessionRollup(db);
  for (const { projectId, record } of turns) {
    refile.run(projectId, record.traceId, record.spanId);
    rollup.turn(projectId, record);
  }
}

const TO_3 = [
  'ALTER TABLE spans ADD COLUMN model TEXT',
  'ALTER TABLE spans ADD COLUMN tool_name TEXT',
  SESSION_TERMS,
  `INSERT OR IGNORE INTO session_terms (project_id, trace_id, kind, value, first_ns)
     SELECT project_id, trace_id, 'span', name, min(start_ns) FROM spans GROUP BY project_id, trace_id, name`,
  `INSERT OR IGNORE INTO session_terms (project_id, trace_id, kind, value, first_ns)
     SELECT project_id, trace_id, category, name, min(start_ns) FROM spans WHERE category IN ('agent', 'llm') GROUP BY project_id, trace_id, category, name`,
  `INSERT OR IGNORE INTO session_terms (project_id, trace_id, kind, value, first_ns)
     SELECT s.project_id, s.trace_id, 'service', json_extract(r.attributes, '$."service.name"') AS v, min(s.start_ns)
     FROM spans s JOIN resources r ON r.id = s.resource_id WHERE typeof(v) = 'text' GROUP BY s.project_id, s.trace_id, v`,
  `UPDATE sessions SET errors = (SELECT count(*) FROM spans WHERE spans.project_id = sessions.project_id AND spans.trace_id = sessions.trace_id
     AND spans.status_code = 2 AND spans.category NOT IN ('session', 'turn'))`,
];

// After fillModelsAndTools: each session's models, from its LLM spans' model column.
const TO_3_MODELS = `INSERT OR IGNORE INTO session_terms (project_id, trace_id, kind, value, first_ns)
  SELECT project_id, trace_id, 'model', model, min(start_ns) FROM spans WHERE category = 'llm' AND model IS NOT NULL GROUP BY project_id, trace_id, model`;

function fillModelsAndTools(db: DatabaseSync): void {
  const rows = db.prepare("SELECT project_id, trace_id, span_id, category, body FROM spans WHERE category IN ('llm', 'tool')");
  const set = db.prepare('UPDATE spans SET model = ?, tool_name = ? WHERE project_id = ? AND trace_id = ? AND span_id = ?');
  // Collected first: updating the rows a statement is still iterating over is not safe in SQLite.
  const found: Array<[string | null, string | null, string, string, string]> = [];
  for (const row of rows.iterate() as Iterable<{ project_id: string; trace_id: string; span_id: string; category: string; body: Uint8Array }>) {
    const buf = Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength);
    let m: { model: string | null; toolName: string | null };
    try {
      m = modelAndTool(scanSpan(buf, 0, buf.length, SPAN_RECORD_KEYS).attributes);
    } catch {
      continue; // as in refileTurns: a damaged row stays as it is
    }
    const model = row.category === 'llm' ? m.model : null; // as toSpanRecord keeps it
    if (model !== null || m.toolName !== null) found.push([model, m.toolName, row.project_id, row.trace_id, row.span_id]);
  }
  for (const args of found) set.run(...args);
}

/** Brings a database of an earlier schema version (1 or later) to `to`. */
export function migrate(db: DatabaseSync, to: number): void {
  transaction(
    db,
    () => {
      // Read again under the write lock: another process may have upgraded it meanwhile.
      const from = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
      if (from >= to) return;
      if (from < 2) {
        for (const sql of TO_2) db.exec(sql);
        refileTurns(db);
      }
      if (from < 3) {
        for (const sql of TO_3) db.exec(sql);
        fillModelsAndTools(db);
        db.exec(TO_3_MODELS);
      }
      db.exec(`PRAGMA user_version = ${to}`);
    },
    'BEGIN IMMEDIATE',
  );
}
