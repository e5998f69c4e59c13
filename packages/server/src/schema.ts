/**
 * The database's schema: its tables and indexes, the version stored in `user_version`, and the
 * column lists the reads use.
 */

// 2: sessions count their turns (resumed requests) and take the end state of whichever request ended last.
// 3: each session's distinct span names, services and models (session_terms), for search and filters;
//    a session's errors no longer count its own session and turn spans (their state is the end state);
//    LLM spans keep their model and tool spans their tool name, for the dashboard's groups.
export const SCHEMA_VERSION = 3;
export const OWN_TABLES = ['meta', 'projects', 'api_keys', 'spans', 'resources', 'sessions', 'metric_points', 'session_terms'];

/**
 * What the session list searches and filters on besides the session row, one row per distinct
 * (session, kind, value), kept at ingest: `span` (every span name), `service` (the spans'
 * `service.name`), `model` (LLM spans' model), `agent` and `llm` (names of agent and LLM spans,
 * for the default name of an unnamed session), each with the earliest start it was seen at.
 * Searching a session's span names then reads its few distinct names, not its spans.
 */
export const SESSION_TERMS = `
CREATE TABLE IF NOT EXISTS session_terms (
  project_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  first_ns INTEGER NOT NULL,
  PRIMARY KEY (project_id, trace_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS session_terms_by_value ON session_terms (project_id, kind, value);
`;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  id INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  key TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS spans (
  project_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  status_code INTEGER NOT NULL,
  body BLOB NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_name TEXT NOT NULL,
  scope_version TEXT NOT NULL,
  category TEXT NOT NULL,
  input_tokens REAL,
  output_tokens REAL,
  cost_usd REAL,
  model TEXT,
  tool_name TEXT,
  PRIMARY KEY (project_id, trace_id, span_id)
);
CREATE TABLE IF NOT EXISTS resources (
  id INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  attributes TEXT NOT NULL,
  UNIQUE (project_id, hash)
);
CREATE TABLE IF NOT EXISTS sessions (
  project_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  has_root INTEGER NOT NULL DEFAULT 0,
  root_is_session_span INTEGER NOT NULL DEFAULT 0,
  root_span_id TEXT,
  session_id TEXT,
  name TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  end_state TEXT,
  end_reason TEXT,
  service_name TEXT,
  root_start_ns INTEGER,
  root_end_ns INTEGER,
  root_status_code INTEGER,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  span_count INTEGER NOT NULL DEFAULT 0,
  llm_calls INTEGER NOT NULL DEFAULT 0,
  tool_calls INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  input_tokens REAL NOT NULL DEFAULT 0,
  output_tokens REAL NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL,
  turns INTEGER NOT NULL DEFAULT 0,
  first_turn_start_ns INTEGER,
  state_end_ns INTEGER,
  state_span_id TEXT,
  PRIMARY KEY (project_id, trace_id)
);
CREATE INDEX IF NOT EXISTS sessions_by_start ON sessions (project_id, start_ns DESC);
CREATE INDEX IF NOT EXISTS sessions_by_session_id ON sessions (project_id, session_id);
-- The dashboard reads a time range's spans through the sessions that overlap it (a session ends
-- after every one of its spans starts), then each session's spans by the primary key: an index on
-- the spans themselves would cost every span written (it halved the spans stored per second).
CREATE INDEX IF NOT EXISTS sessions_by_end ON sessions (project_id, end_ns);
${SESSION_TERMS}
CREATE TABLE IF NOT EXISTS metric_points (
  id INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  unit TEXT NOT NULL,
  type TEXT NOT NULL,
  temporality INTEGER NOT NULL,
  is_monotonic INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  value REAL,
  count INTEGER,
  sum REAL,
  min REAL,
  max REAL,
  bucket_counts TEXT,
  explicit_bounds TEXT,
  resource TEXT NOT NULL,
  scope_name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS metric_points_by_name ON metric_points (project_id, name, time_ns);
`;

// node:sqlite refuses to read an INTEGER beyond Number.MAX_SAFE_INTEGER into a number (it throws
// ERR_OUT_OF_RANGE). Nanosecond times (~1.7e18) are read as text, exactly, and stay strings in the
// API. A span's kind and status code and a metric's temporality are enums, and a histogram's count
// is small in practice, but what a client sends can be any 64-bit value: those are read as REAL,
// the nearest double, so one odd row cannot make a session or a metric unreadable. Every other
// integer column holds what the server computed itself (row ids, counts, 0/1 flags, its clock in ms).
export const SPAN_COLUMNS =
  'trace_id, span_id, parent_span_id, name, CAST(kind AS REAL) AS kind, CAST(start_ns AS TEXT) AS start_ns, CAST(end_ns AS TEXT) AS end_ns, CAST(status_code AS REAL) AS status_code, body, (SELECT attributes FROM resources WHERE resources.id = spans.resource_id) AS resource, scope_name, scope_version, category, input_tokens, output_tokens, cost_usd';
// The first agent span's name, else the first LLM call's, for a session whose root gave none of its
// own (the SDK's default `session`, or a turn's `turn`, or no root yet).
const firstTerm = (kind: string): string =>
  `(SELECT t.value FROM session_terms t WHERE t.project_id = sessions.project_id AND t.trace_id = sessions.trace_id AND t.kind = '${kind}' ORDER BY t.first_ns, t.value LIMIT 1)`;
export const DISPLAY_NAME = `CASE WHEN name IS NULL OR (name IN ('session', 'turn') AND (root_is_session_span = 1 OR has_root = 0))
  THEN coalesce(${firstTerm('agent')}, ${firstTerm('llm')}, name, session_id, trace_id) ELSE name END`;
const terms = (kind: string): string =>
  `(SELECT json_group_array(value) FROM (SELECT t.value FROM session_terms t WHERE t.project_id = sessions.project_id AND t.trace_id = sessions.trace_id AND t.kind = '${kind}' ORDER BY t.value))`;
export const SESSION_COLUMNS =
  `${DISPLAY_NAME} AS display_name, root_is_session_span, ${terms('service')} AS services, ${terms('model')} AS models, ` +
  'trace_id, has_root, root_span_id, session_id, name, tags, end_state, end_reason, service_name, CAST(root_start_ns AS TEXT) AS root_start_ns, CAST(root_end_ns AS TEXT) AS root_end_ns, CAST(root_status_code AS REAL) AS root_status_code, CAST(start_ns AS TEXT) AS start_ns, CAST(end_ns AS TEXT) AS end_ns, span_count, llm_calls, tool_calls, errors, input_tokens, output_tokens, cost_usd, updated_ms, turns';
