/**
 * The database's schema: its tables and indexes, the version stored in `user_version`, and the
 * column lists the reads use.
 */

// 2: sessions count their turns (resumed requests) and take the end state of whichever request ended last.
// 3: LLM spans keep their model and tool spans their tool name, for the dashboard's groups.
export const SCHEMA_VERSION = 3;
export const OWN_TABLES = ['meta', 'projects', 'api_keys', 'spans', 'resources', 'sessions', 'metric_points'];

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
-- The dashboard reads the LLM or tool spans of a time range: without this it scans every span.
CREATE INDEX IF NOT EXISTS spans_by_category ON spans (project_id, category, start_ns);
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
export const SESSION_COLUMNS =
  'trace_id, has_root, root_span_id, session_id, name, tags, end_state, end_reason, service_name, CAST(root_start_ns AS TEXT) AS root_start_ns, CAST(root_end_ns AS TEXT) AS root_end_ns, CAST(root_status_code AS REAL) AS root_status_code, CAST(start_ns AS TEXT) AS start_ns, CAST(end_ns AS TEXT) AS end_ns, span_count, llm_calls, tool_calls, errors, input_tokens, output_tokens, cost_usd, updated_ms, turns';
