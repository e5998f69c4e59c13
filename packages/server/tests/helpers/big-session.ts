/**
 * Writes a session of any size straight into a server's database, in one SQL statement (a
 * million spans take seconds, where sending them over OTLP would take minutes): what a reader of
 * the REST API or the viewer then sees is the same as if they had been sent. Shapes:
 * - `wide`: one root, every other span its child;
 * - `chain`: each span the child of the one before (as deep as the session is long);
 * - `agents`: one root, `fanout` agent spans under it, the rest spread evenly under the agents.
 * Span `i` (1-based) has the id `%016x` of i, starts at `START_NS + i` microseconds and lasts 1 ms,
 * and is named `span <i>`; the root is span 1. Each span's body is the OTLP `Span` message of a
 * span with no attributes.
 */
import type { LocalServer } from '../../src';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sqlite = require('../../src/load-sqlite') as typeof import('node:sqlite');

export const START_NS = 1_700_000_000_000_000_000n;

export type Shape = { kind: 'wide' } | { kind: 'chain' } | { kind: 'agents'; fanout: number };

export const spanIdOf = (i: number): string => i.toString(16).padStart(16, '0');

export function writeSession(server: LocalServer, traceId: string, spans: number, shape: Shape): void {
  const db = new sqlite.DatabaseSync(server.storage.path);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    const projectId = server.project.id;
    db.prepare("INSERT OR IGNORE INTO resources (project_id, hash, attributes) VALUES (?, 'big-session', '{\"service.name\":\"big\"}')").run(projectId);
    const resourceId = (db.prepare("SELECT id FROM resources WHERE project_id = ? AND hash = 'big-session'").get(projectId) as { id: number }).id;
    const f = shape.kind === 'agents' ? shape.fanout : 1;
    const parent =
      shape.kind === 'wide' ? '1' : shape.kind === 'chain' ? 'i - 1' : `CASE WHEN i <= ${f + 1} THEN 1 ELSE 2 + (i - ${f + 2}) % ${f} END`;
    db.exec('BEGIN');
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO spans (project_id, trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status_code, body, resource_id, scope_name, scope_version, category, input_tokens, output_tokens, cost_usd)
       SELECT ?, ?, printf('%016x', i), CASE WHEN i = 1 THEN NULL ELSE printf('%016x', ${parent}) END, 'span ' || i, 1,
              ? + i * 1000, ? + i * 1000 + 1000000, 0, X'', ?, 'big', '1', CASE WHEN i = 1 THEN 'session' ELSE 'other' END, NULL, NULL, NULL
       FROM n`,
    ).run(spans, projectId, traceId, START_NS, START_NS, resourceId);
    db.prepare(
      `INSERT INTO sessions (project_id, trace_id, has_root, root_span_id, name, start_ns, end_ns, root_start_ns, root_end_ns, span_count, updated_ms)
       VALUES (?, ?, 1, ?, 'big', ?, ?, ?, ?, ?, ?)`,
    ).run(projectId, traceId, spanIdOf(1), START_NS + 1000n, START_NS + BigInt(spans) * 1000n + 1_000_000n, START_NS + 1000n, START_NS + BigInt(spans) * 1000n + 1_000_000n, spans, Date.now());
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}
