// Dashboard benchmark: how long the viewer's dashboard answers take on a big database.
//
//   npm run build && node bench/dashboard.mjs [--sessions 2000] [--spans 50] [--runs 5]
//
// Starts the built server on a fresh SQLite file in the OS temp dir, writes `sessions` sessions of
// `spans` spans each straight into it (a root, then LLM calls of 4 models and tool calls of 6
// tools, 1 in 10 failing, spread over 7 days), and times, over HTTP as the page asks them,
// GET /api/dashboard for the whole week (auto and 1h buckets) and for one day, and
// GET /api/dashboard/sessions for one model, one tool's errors and one end state. Prints the
// median and the slowest of `runs` runs of each.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { startServer } = require(path.join(here, '..', 'packages', 'server', 'dist', 'index.js'));
const { DatabaseSync } = require(path.join(here, '..', 'packages', 'server', 'dist', 'load-sqlite.js'));

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const SESSIONS = arg('sessions', 2000);
const SPANS = arg('spans', 50);
const RUNS = arg('runs', 5);
const WEEK_MS = 7 * 86_400_000;
const END_MS = Date.UTC(2026, 0, 8);
const START_MS = END_MS - WEEK_MS;

function fill(file, projectId) {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA busy_timeout = 10000');
  db.prepare("INSERT OR IGNORE INTO resources (project_id, hash, attributes) VALUES (?, 'bench', '{\"service.name\":\"bench\"}')").run(projectId);
  const resourceId = db.prepare("SELECT id FROM resources WHERE project_id = ? AND hash = 'bench'").get(projectId).id;
  const span = db.prepare(
    `INSERT INTO spans (project_id, trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status_code, body, resource_id, scope_name, scope_version, category, input_tokens, output_tokens, cost_usd, model, tool_name)
     VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, X'', ?, 'bench', '1', ?, ?, ?, ?, ?, ?)`,
  );
  const session = db.prepare(
    `INSERT INTO sessions (project_id, trace_id, has_root, root_span_id, name, end_state, start_ns, end_ns, root_start_ns, root_end_ns, span_count, llm_calls, tool_calls, errors, input_tokens, output_tokens, cost_usd, updated_ms)
     VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.exec('BEGIN');
  for (let s = 0; s < SESSIONS; s++) {
    const trace = s.toString(16).padStart(32, '0');
    const t0 = BigInt(START_MS + Math.floor((s / SESSIONS) * (WEEK_MS - 3_600_000))) * 1_000_000n;
    const root = '1'.padStart(16, '0');
    let llm = 0, tools = 0, errors = 0, input = 0, output = 0, cost = 0;
    for (let i = 2; i <= SPANS; i++) {
      const id = i.toString(16).padStart(16, '0');
      const start = t0 + BigInt(i) * 1_000_000_000n;
      const end = start + BigInt(200 + ((s * 7 + i * 13) % 1800)) * 1_000_000n;
      if (i % 2 === 0) {
        const inT = 100 + (i % 50), outT = 20 + (i % 10), c = (inT * 3 + outT * 15) / 1e6;
        span.run(projectId, trace, id, root, `chat model-${i % 4}`, start, end, 0, resourceId, 'llm', inT, outT, c, `model-${i % 4}`, null);
        llm++; input += inT; output += outT; cost += c;
      } else {
        const failed = (s + i) % 10 === 0;
        span.run(projectId, trace, id, root, `execute_tool tool-${i % 6}`, start, end, failed ? 2 : 0, resourceId, 'tool', null, null, null, null, `tool-${i % 6}`);
        tools++; if (failed) errors++;
      }
    }
    const end = t0 + BigInt(SPANS + 5) * 1_000_000_000n;
    span.run(projectId, trace, root, null, 'session', t0, end, 0, resourceId, 'session', null, null, null, null, null);
    const state = ['Success', 'Success', 'Fail', 'Indeterminate'][s % 4];
    session.run(projectId, trace, root, `session ${s}`, state, t0, end, t0, end, SPANS, llm, tools, errors, input, output, cost, Date.now());
  }
  db.exec('COMMIT');
  db.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentops-dashboard-bench-'));
  const server = await startServer({ port: 0, dbPath: path.join(dir, 'bench.db') });
  try {
    fill(server.storage.path, server.project.id);
    const headers = { authorization: `Bearer ${server.apiKey}` };
    const day = `from=${END_MS - 86_400_000}&to=${END_MS}`;
    const week = `from=${START_MS}&to=${END_MS}`;
    const asks = [
      ['dashboard, 7 days, auto buckets', `/api/dashboard?${week}`],
      ['dashboard, 7 days, 1h buckets', `/api/dashboard?${week}&bucket=1h`],
      ['dashboard, 1 day, 5m buckets', `/api/dashboard?${day}&bucket=5m`],
      ['sessions behind a model, 7 days', `/api/dashboard/sessions?${week}&model=model-2`],
      ['sessions behind a tool\'s errors, 1 day', `/api/dashboard/sessions?${day}&tool=tool-3&errors=true`],
      ['sessions behind an end state, 7 days', `/api/dashboard/sessions?${week}&end_state=Fail`],
    ];
    console.log(`${SESSIONS} sessions, ${SESSIONS * SPANS} spans; Node ${process.version}, ${cpus().length} x ${cpus()[0].model}; ${new Date().toISOString()}`);
    for (const [what, url] of asks) {
      const ms = [];
      let body;
      for (let r = 0; r < RUNS; r++) {
        const t = performance.now();
        const res = await fetch(server.url + url, { headers });
        body = await res.json();
        ms.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
      }
      const size = body.buckets ? `${body.buckets.length} buckets, ${body.totals.llmCalls} LLM calls, ${body.totals.toolCalls} tool calls` : `${body.total} sessions`;
      console.log(`${what.padEnd(42)} median ${median(ms).toFixed(1)} ms, slowest ${Math.max(...ms).toFixed(1)} ms (${size})`);
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
