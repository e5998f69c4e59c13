/**
 * The local backend's SQLite database: opening and migrating it, and every prepared statement
 * (the schema is in schema.ts, the row types in storage-rows.ts). WAL mode
 * so readers (the viewer, `agentops keys`) never block the writer; `synchronous=NORMAL` because
 * in WAL mode it loses at most the last transactions on power loss, never consistency, and is
 * several times faster than FULL. Every read takes the caller's project id: there is no query
 * that can return another project's rows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { SCHEMA, SCHEMA_VERSION, OWN_TABLES, SESSION_COLUMNS, SPAN_COLUMNS } from './schema';
import { migrate } from './schema-migration';
import { AgentOpsServerError } from './server-error';
import type { KeyOwner, MetricPointRow, Project, ProjectWithKeys, PruneCounts, SessionRow, SpanRow, WriteBatch } from './storage-rows';
import { transaction } from './transaction';

// Node's built-in SQLite, loaded without its experimental-feature warning (load-sqlite.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sqlite = require('./load-sqlite') as typeof import('node:sqlite');

const PRUNE_CHUNK = 500;

export class Storage {
  readonly path: string;
  readonly db: DatabaseSync;
  /** Signs the tokens `/v3/auth/token` hands out; one per database, so tokens survive a restart. */
  readonly tokenSecret: Buffer;
  private readonly stmt: ReturnType<typeof prepare>;

  private constructor(file: string, db: DatabaseSync) {
    this.path = file;
    this.db = db;
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (version === 0) {
      // Never add tables to someone else's database given by mistake as --db.
      const foreign = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN (${OWN_TABLES.map(() => '?').join(', ')}) AND name NOT LIKE 'sqlite_%'`).all(...OWN_TABLES) as Array<{ name: string }>;
      if (foreign.length > 0) {
        throw new AgentOpsServerError('AGENTOPS_SERVER_DATABASE', `${file} is not an agentops database (it has tables ${foreign.map((t) => t.name).join(', ')}); give another --db`);
      }
    }
    if (version > SCHEMA_VERSION) {
      throw new AgentOpsServerError('AGENTOPS_SERVER_DATABASE', `database ${file} has schema version ${version}; this agentops understands version ${SCHEMA_VERSION} and earlier`);
    }
    // A database of an earlier version is upgraded in place (schema-migration.ts); a new one is created.
    if (version > 0 && version < SCHEMA_VERSION) {
      try {
        migrate(db, SCHEMA_VERSION);
      } catch (err) {
        throw new AgentOpsServerError('AGENTOPS_SERVER_DATABASE', `cannot upgrade database ${file} from schema version ${version} to ${SCHEMA_VERSION}: ${(err as Error).message}`);
      }
    }
    db.exec(SCHEMA);
    if (version === 0) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    this.stmt = prepare(db);
    this.tokenSecret = this.loadSecret();
  }

  /**
   * Opens (creating when missing) the database at `file`. A new file is made readable by its owner only: it holds API keys, prompts and completions.
   */
  static open(file: string): Storage {
    const resolved = path.resolve(file);
    let db: DatabaseSync;
    try {
      const created = !existsSync(resolved);
      mkdirSync(path.dirname(resolved), { recursive: true, mode: 0o700 });
      db = new sqlite.DatabaseSync(resolved);
      if (created) chmodSync(resolved, 0o600);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      // This connection reads, and writes only projects and keys (rarely): waiting a moment for
      // the write thread's lock is better than failing. Span writes never wait (write-worker.js).
      db.exec('PRAGMA busy_timeout = 2000');
      db.exec('PRAGMA foreign_keys = ON');
    } catch (err) {
      throw new AgentOpsServerError('AGENTOPS_SERVER_DATABASE', `cannot open database ${resolved}: ${(err as Error).message}`);
    }
    try {
      return new Storage(resolved, db);
    } catch (err) {
      db.close();
      if (err instanceof AgentOpsServerError) throw err;
      throw new AgentOpsServerError('AGENTOPS_SERVER_DATABASE', `${resolved} is not an agentops database: ${(err as Error).message}`);
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private loadSecret(): Buffer {
    const row = this.stmt.getMeta.get('token_secret') as { value: string } | undefined;
    if (row) return Buffer.from(row.value, 'hex');
    const secret = randomBytes(32);
    this.stmt.putMeta.run('token_secret', secret.toString('hex'));
    return secret;
  }

  // ---- projects and keys ----

  /** Creates a project with one API key. Throws `AgentOpsServerError` (`AGENTOPS_SERVER_PROJECT`) for a bad or taken name. */
  createProject(name: string): { project: Project; apiKey: string } {
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
      throw new AgentOpsServerError('AGENTOPS_SERVER_PROJECT', `a project name must be 1 to 100 characters; got ${JSON.stringify(name)}`);
    }
    if (this.stmt.projectByName.get(name)) throw new AgentOpsServerError('AGENTOPS_SERVER_PROJECT', `project "${name}" already exists`);
    const project: Project = { id: randomUUID(), name, createdAt: new Date().toISOString() };
    const apiKey = newApiKey();
    transaction(this.db, () => {
      this.stmt.insertProject.run(project.id, name, Date.parse(project.createdAt));
      this.stmt.insertKey.run(project.id, apiKey, Date.now());
    });
    return { project, apiKey };
  }

  /** Adds another key to a project (`agentops keys create`). */
  createKey(projectId: string): string {
    const key = newApiKey();
    this.stmt.insertKey.run(projectId, key, Date.now());
    return key;
  }

  /**
   * Deletes an API key (`agentops keys --revoke`): the exchange refuses it from then on, and the
   * tokens issued for it stop working at once, in a server running on this database too.
   * Returns the project it belonged to and how many keys that project has left.
   */
  revokeKey(key: string): { project: Project; keysLeft: number } | undefined {
    const owner = this.ownerOfKey(key);
    if (owner === undefined) return undefined;
    this.stmt.deleteKey.run(owner.keyId);
    const project = this.projectById(owner.projectId)!;
    return { project, keysLeft: this.stmt.keysOfProject.all(owner.projectId).length };
  }

  /**
   * Retention (`agentops prune`): deletes the sessions whose last span ended before `cutoffMs` and
   * that this server last wrote before it (so a client whose clock is behind, or a long-quiet
   * session that is still running, is not cut), with all their spans; the metric points taken
   * before it; and the resources no span uses any more. In one project or all. Deletes in small
   * transactions, so a server running on the database keeps writing in between. With `dryRun`,
   * only counts.
   */
  prune(cutoffMs: number, projectId?: string, dryRun = false): PruneCounts {
    const cutoffNs = BigInt(Math.floor(cutoffMs)) * 1_000_000n;
    const ms = Math.floor(cutoffMs);
    const scope = projectId === undefined ? '' : ' AND project_id = ?';
    const p = projectId === undefined ? [] : [projectId];
    const sessionsWhere = `end_ns < ? AND updated_ms < ?${scope}`;
    const sessionArgs = [cutoffNs, ms, ...p];
    const pointsWhere = `time_ns < ?${scope}`;
    if (dryRun) {
      return {
        sessions: (this.db.prepare(`SELECT count(*) AS n FROM sessions WHERE ${sessionsWhere}`).get(...sessionArgs) as { n: number }).n,
        spans: (this.db.prepare(`SELECT count(*) AS n FROM spans WHERE (project_id, trace_id) IN (SELECT project_id, trace_id FROM sessions WHERE ${sessionsWhere})`).get(...sessionArgs) as { n: number }).n,
        metricPoints: (this.db.prepare(`SELECT count(*) AS n FROM metric_points WHERE ${pointsWhere}`).get(cutoffNs, ...p) as { n: number }).n,
      };
    }
    // The server's writer holds the lock for one group commit at a time: wait for it, not fail.
    this.db.exec('PRAGMA busy_timeout = 30000');
    const counts: PruneCounts = { sessions: 0, spans: 0, metricPoints: 0 };
    const pick = this.db.prepare(`SELECT project_id, trace_id FROM sessions WHERE ${sessionsWhere} LIMIT ${PRUNE_CHUNK}`);
    const delSpans = this.db.prepare('DELETE FROM spans WHERE project_id = ? AND trace_id = ?');
    const delSession = this.db.prepare('DELETE FROM sessions WHERE project_id = ? AND trace_id = ?');
    const sessionChunk = (): number =>
      transaction(this.db, () => {
        const rows = pick.all(...sessionArgs) as Array<{ project_id: string; trace_id: string }>;
        for (const r of rows) {
          counts.spans += Number(delSpans.run(r.project_id, r.trace_id).changes);
          counts.sessions += Number(delSession.run(r.project_id, r.trace_id).changes);
        }
        return rows.length;
      });
    while (sessionChunk() === PRUNE_CHUNK);
    const delPoints = this.db.prepare(`DELETE FROM metric_points WHERE id IN (SELECT id FROM metric_points WHERE ${pointsWhere} LIMIT ${PRUNE_CHUNK * 10})`);
    for (;;) {
      const n = Number(delPoints.run(cutoffNs, ...p).changes);
      counts.metricPoints += n;
      if (n < PRUNE_CHUNK * 10) break;
    }
    // The writer looks resources up inside its own transaction, so one deleted here is re-created there.
    this.db.prepare(`DELETE FROM resources WHERE id NOT IN (SELECT DISTINCT resource_id FROM spans)${scope}`).run(...p);
    return counts;
  }

  /**
   * Gives the space of deleted rows back to the file system (`agentops prune --vacuum`); false when
   * the write-ahead log could not be emptied yet (a server was using it), so the file shrinks later.
   */
  vacuum(): boolean {
    this.db.exec('VACUUM');
    const r = this.db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number } | undefined;
    return r === undefined || r.busy === 0;
  }

  /** The first project, created with a key when the database has none. */
  defaultProject(): { project: Project; apiKey: string; created: boolean } {
    const first = this.listProjects()[0];
    if (first && first.keys[0] !== undefined) return { project: first, apiKey: first.keys[0], created: false };
    if (first) return { project: first, apiKey: this.createKey(first.id), created: false };
    return { ...this.createProject('default'), created: true };
  }

  listProjects(): ProjectWithKeys[] {
    const projects = this.stmt.listProjects.all() as Array<{ id: string; name: string; created_ms: number }>;
    return projects.map((p) => ({
      id: p.id,
      name: p.name,
      createdAt: new Date(p.created_ms).toISOString(),
      keys: (this.stmt.keysOfProject.all(p.id) as Array<{ key: string }>).map((k) => k.key),
    }));
  }

  projectByName(name: string): Project | undefined {
    const p = this.stmt.projectByName.get(name) as { id: string; name: string; created_ms: number } | undefined;
    return p && { id: p.id, name: p.name, createdAt: new Date(p.created_ms).toISOString() };
  }

  projectById(id: string): Project | undefined {
    const p = this.stmt.projectById.get(id) as { id: string; name: string; created_ms: number } | undefined;
    return p && { id: p.id, name: p.name, createdAt: new Date(p.created_ms).toISOString() };
  }

  ownerOfKey(key: string): KeyOwner | undefined {
    const row = this.stmt.keyOwner.get(key) as { id: number; project_id: string } | undefined;
    return row && { keyId: row.id, projectId: row.project_id };
  }

  /** The key with row id `keyId` in `projectId`, while it exists (a token dies with its key). */
  keyById(keyId: number, projectId: string): string | undefined {
    return (this.stmt.keyById.get(keyId, projectId) as { key: string } | undefined)?.key;
  }

  // Spans and metric points are written by write-worker.js, on its own thread and connection.

  // ---- reads, always within one project ----

  getSession(projectId: string, traceId: string): SessionRow | undefined {
    return this.stmt.getSession.get(projectId, traceId) as SessionRow | undefined;
  }

  /** The trace id of the session whose `session.id` is `sessionId` (for ids that are not UUIDs). */
  traceIdOfSessionId(projectId: string, sessionId: string): string | undefined {
    return (this.stmt.traceOfSessionId.get(projectId, sessionId) as { trace_id: string } | undefined)?.trace_id;
  }

  /** The spans named, in the order named (one primary-key lookup each: a window, never a whole session). */
  spansByIds(projectId: string, traceId: string, spanIds: readonly string[]): SpanRow[] {
    const out: SpanRow[] = [];
    for (const id of spanIds) {
      const row = this.stmt.spanById.get(projectId, traceId, id) as SpanRow | undefined;
      if (row !== undefined) out.push(row);
    }
    return out;
  }

  metricNames(projectId: string): Array<{ name: string; type: string; unit: string; points: number }> {
    return this.stmt.metricNames.all(projectId) as Array<{ name: string; type: string; unit: string; points: number }>;
  }

  /**
   * What `/metrics` serves: each cumulative or gauge series at its latest point (a series being a
   * metric, its attributes, the sender's resource and start time), and every delta point.
   */
  latestMetricPoints(projectId: string): Iterable<MetricPointRow> {
    return this.stmt.latestMetricPoints.iterate(projectId, projectId) as Iterable<MetricPointRow>;
  }

  metricPoints(projectId: string, name: string, limit: number): MetricPointRow[] {
    return this.stmt.metricPoints.all(projectId, name, limit) as unknown as MetricPointRow[];
  }

  /** Spans stored for a project, or in the whole database (the benchmark counts what was stored). */
  countSpans(projectId?: string): number {
    const row = (projectId === undefined ? this.stmt.countAllSpans.get() : this.stmt.countSpans.get(projectId)) as { n: number };
    return row.n;
  }
}

function newApiKey(): string {
  return `aol_${randomBytes(24).toString('base64url')}`;
}

function prepare(db: DatabaseSync) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    putMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)'),
    insertProject: db.prepare('INSERT INTO projects (id, name, created_ms) VALUES (?, ?, ?)'),
    insertKey: db.prepare('INSERT INTO api_keys (project_id, key, created_ms) VALUES (?, ?, ?)'),
    listProjects: db.prepare('SELECT id, name, created_ms FROM projects ORDER BY created_ms, rowid'),
    projectByName: db.prepare('SELECT id, name, created_ms FROM projects WHERE name = ?'),
    projectById: db.prepare('SELECT id, name, created_ms FROM projects WHERE id = ?'),
    keysOfProject: db.prepare('SELECT key FROM api_keys WHERE project_id = ? ORDER BY id'),
    keyOwner: db.prepare('SELECT id, project_id FROM api_keys WHERE key = ?'),
    keyById: db.prepare('SELECT key FROM api_keys WHERE id = ? AND project_id = ?'),
    deleteKey: db.prepare('DELETE FROM api_keys WHERE id = ?'),
    getSession: db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE project_id = ? AND trace_id = ?`),
    traceOfSessionId: db.prepare('SELECT trace_id FROM sessions WHERE project_id = ? AND session_id = ? ORDER BY start_ns DESC LIMIT 1'),
    spanById: db.prepare(`SELECT ${SPAN_COLUMNS} FROM spans WHERE project_id = ? AND trace_id = ? AND span_id = ?`),
    metricNames: db.prepare('SELECT name, type, unit, count(*) AS points FROM metric_points WHERE project_id = ? GROUP BY name, type, unit ORDER BY name'),
    metricPoints: db.prepare(
      `SELECT name, description, unit, type, CAST(temporality AS REAL) AS temporality, is_monotonic, CAST(start_ns AS TEXT) AS start_ns, CAST(time_ns AS TEXT) AS time_ns, attributes,
         value, CAST(count AS REAL) AS count, sum, min, max, bucket_counts, explicit_bounds, resource, scope_name
       FROM metric_points WHERE project_id = ? AND name = ? ORDER BY time_ns DESC LIMIT ?`,
    ),
    latestMetricPoints: db.prepare(
      `SELECT name, description, unit, type, CAST(temporality AS REAL) AS temporality, is_monotonic, attributes,
         value, CAST(count AS REAL) AS count, sum, bucket_counts, explicit_bounds, resource
       FROM metric_points WHERE project_id = ? AND (temporality = 1 OR id IN (
         SELECT max(id) FROM metric_points WHERE project_id = ? AND temporality != 1 GROUP BY name, attributes, resource, start_ns))
       ORDER BY name, id`,
    ),
    countSpans: db.prepare('SELECT count(*) AS n FROM spans WHERE project_id = ?'),
    countAllSpans: db.prepare('SELECT count(*) AS n FROM spans'),
  };
}
