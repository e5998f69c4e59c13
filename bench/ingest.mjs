// Local backend ingest benchmark: how many spans per second `agentops serve` stores, and the
// latency of POST /v1/traces at that load.
//
//   npm run build && node bench/ingest.mjs [--runs 5] [--seconds 10] [--connections 4] [--batch 512] [--warmup 3] [--viewer 1000000 [--no-poll]]
//
// With --viewer N, each run's database first gets a running session of N spans (written straight
// into it), and while the load runs a viewer polls that session as the page does: every 2 s its
// summary and a window of 200 rows from the middle of its tree (every time, as if it had changed).
// With --no-poll as well, the session is written but nobody reads it: the baseline for the viewer's
// effect, since ingest into a database that already holds a million spans is itself slower.
//
// This process runs the server (the built package, on a loopback port, SQLite file in the OS temp
// dir); a forked child process is the load generator: it encodes realistic OTLP/protobuf batches
// (GenAI attributes, a ~1 KiB prompt per LLM span, fresh ids for every span) and posts them over
// a few keep-alive connections for a fixed time, timing each request. A 200 from the server means
// the batch is committed, so the throughput is what SQLite holds at the end, counted there, over
// the time the load ran; the run fails if SQLite holds fewer spans than were acknowledged.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

// ---------------------------------------------------------------- server side (this process)

async function main() {
  const runs = arg('runs', 5);
  const seconds = arg('seconds', 10);
  const connections = arg('connections', 4);
  const batch = arg('batch', 512);
  const { startServer } = require(path.join(here, '..', 'packages', 'server', 'dist', 'index.js'));
  const warmup = arg('warmup', 3);
  const viewer = arg('viewer', 0);
  const poll = !process.argv.includes('--no-poll');
  const results = [];
  // An unreported first run: V8 compiles the hot paths (decoding, the write thread) during it.
  for (let run = warmup > 0 ? 0 : 1; run <= runs; run++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'agentops-bench-'));
    const server = await startServer({ port: 0, dbPath: path.join(dir, 'bench.db') });
    try {
      if (viewer > 0) require(path.join(here, '..', 'packages', 'server', 'tests', 'helpers', 'session-writer.js')).writeSession(server, VIEWED, viewer, { kind: 'agents', fanout: 1000 }, { running: true });
      const written = server.countSpans();
      const cpu0 = process.cpuUsage();
      const elu0 = performance.eventLoopUtilization();
      const load = await runLoad({ url: server.url, apiKey: server.apiKey, seconds: run === 0 ? warmup : seconds, connections, batch, viewer: poll ? viewer : 0 });
      const cpu = process.cpuUsage(cpu0);
      const elu = performance.eventLoopUtilization(elu0);
      const stored = server.countSpans() - written;
      const walBytes = statSync(`${path.join(dir, 'bench.db')}-wal`, { throwIfNoEntry: false })?.size ?? 0;
      const dbBytes = statSync(path.join(dir, 'bench.db')).size;
      const result = {
        run,
        spansPerSecond: Math.round(stored / load.elapsedSeconds),
        storedSpans: stored,
        acknowledgedSpans: load.acknowledgedSpans,
        requests: load.requests,
        rejected429: load.rejected429,
        errors: load.errors,
        p50Ms: load.p50Ms,
        p99Ms: load.p99Ms,
        elapsedSeconds: load.elapsedSeconds,
        commits: server.queueStats().commits,
        busyRetries: server.queueStats().busyRetries,
        mainThreadBusyPercent: Math.round(elu.utilization * 100),
        transactionOutstandingPercent: Math.round(server.queueStats().roundTripMs / 10 / load.elapsedSeconds),
        writeThreadBusyPercent: Math.round(server.queueStats().commitMs / 10 / load.elapsedSeconds),
        // CPU time of the server process (all its threads) and of the load generator, per 1,000 spans stored.
        dbMiB: Math.round(dbBytes / 2 ** 20),
        walMiB: Math.round(walBytes / 2 ** 20),
        serverCpuMsPer1000: Math.round(((cpu.user + cpu.system) / 1000 / stored) * 1000),
        loadCpuMsPer1000: Math.round((load.cpuMs / stored) * 1000),
      };
      if (run > 0) results.push(result);
      console.log(`${run === 0 ? 'warm-up' : `run ${run}`}: ${result.spansPerSecond} spans/s stored (${stored} spans in ${load.elapsedSeconds.toFixed(2)} s), /v1/traces p50 ${load.p50Ms.toFixed(1)} ms p99 ${load.p99Ms.toFixed(1)} ms, ${load.requests} requests, ${load.rejected429} x 429, ${result.commits} commits, ${result.busyRetries} busy retries (busy: main thread ${result.mainThreadBusyPercent}%, write thread ${result.writeThreadBusyPercent}%), CPU per 1000 spans: server ${result.serverCpuMsPer1000} ms, load ${result.loadCpuMsPer1000} ms, database ${result.dbMiB} MiB + WAL ${result.walMiB} MiB`);
      if (stored !== load.acknowledgedSpans) throw new Error(`lost spans: ${load.acknowledgedSpans} acknowledged, ${stored} stored`);
      if (load.errors > 0) throw new Error(`${load.errors} requests failed`);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const rate = results.map((r) => r.spansPerSecond);
  const p50 = results.map((r) => r.p50Ms);
  const p99 = results.map((r) => r.p99Ms);
  const summary = {
    date: new Date().toISOString().slice(0, 10),
    machine: { cpu: cpus()[0]?.model.trim(), cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` },
    settings: { runs, seconds, connections, batch, warmupSeconds: warmup, viewedSessionSpans: viewer, viewerPolls: viewer > 0 && poll },
    spansPerSecond: { median: median(rate), min: Math.min(...rate), max: Math.max(...rate) },
    p50Ms: { median: median(p50), min: Math.min(...p50), max: Math.max(...p50) },
    p99Ms: { median: median(p99), min: Math.min(...p99), max: Math.max(...p99) },
    runs: results,
  };
  const out = path.join(here, 'results');
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `ingest-${summary.date}${viewer ? (poll ? '-viewer' : '-big-session') : ''}.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\n${summary.machine.cpu}, ${summary.machine.cores} cores, Node ${summary.machine.node}; ${runs} runs of ${seconds} s, ${connections} connections, ${batch} spans per request${viewer ? (poll ? `, a viewer polling a running session of ${viewer} spans` : `, a running session of ${viewer} spans stored, not read`) : ''}`);
  console.log(`spans/s stored: median ${summary.spansPerSecond.median} (min ${summary.spansPerSecond.min}, max ${summary.spansPerSecond.max})`);
  console.log(`/v1/traces p50: median ${summary.p50Ms.median.toFixed(1)} ms (${summary.p50Ms.min.toFixed(1)}-${summary.p50Ms.max.toFixed(1)}), p99: median ${summary.p99Ms.median.toFixed(1)} ms (${summary.p99Ms.min.toFixed(1)}-${summary.p99Ms.max.toFixed(1)})`);
  console.log(`written to ${path.relative(process.cwd(), file)}`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function runLoad(options) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send(options);
  });
}

// ---------------------------------------------------------------- load generator (child process)

async function loadGenerator() {
  const options = await new Promise((resolve) => process.once('message', resolve));
  const { TraceRequest } = require(path.join(here, '..', 'packages', 'server', 'dist', 'otlp', 'otlp-decode.js'));
  const { url, apiKey, seconds, connections, batch } = options;

  const token = await new Promise((resolve, reject) => {
    const req = http.request(`${url}/v3/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body).token) : reject(new Error(`auth: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ api_key: apiKey }));
  });

  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let acknowledgedSpans = 0;
  let requests = 0;
  let rejected429 = 0;
  let errors = 0;
  const template = new BatchTemplate(TraceRequest, batch);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const until = start + seconds * 1000;
  let lastAck = start;

  const worker = async () => {
    while (performance.now() < until) {
      const body = template.next();
      const t0 = performance.now();
      const status = await post(agent, `${url}/v1/traces`, body, token);
      const t1 = performance.now();
      requests++;
      if (status === 200) {
        latencies.push(t1 - t0);
        acknowledgedSpans += batch;
        lastAck = t1;
      } else if (status === 429) {
        rejected429++;
        await new Promise((r) => setTimeout(r, 100));
      } else errors++;
    }
  };
  // The viewer: its own connection, polling the big session the way the page does, until the load ends.
  let polls = 0;
  const viewerLoop = async () => {
    const viewAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (options.viewer > 0 && performance.now() < until) {
      const summary = JSON.parse(await get(viewAgent, `${url}/api/sessions/${VIEWED}?limit=0`, token));
      await get(viewAgent, `${url}/api/sessions/${VIEWED}/rows?offset=${Math.floor(summary.rowCount / 2)}&limit=200`, token);
      polls++;
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(2000, until - performance.now()))));
    }
    viewAgent.destroy();
  };
  await Promise.all([...Array.from({ length: connections }, worker), viewerLoop()]);
  if (options.viewer > 0) console.log(`  viewer: ${polls} polls`);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const cpu = process.cpuUsage(cpu0);
  process.send({ acknowledgedSpans, requests, rejected429, errors, p50Ms: pct(50), p99Ms: pct(99), elapsedSeconds: (lastAck - start) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 }, () => process.exit(0));
}

function get(agent, url, token) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
    }).on('error', reject);
  });
}

function post(agent, url, body, token) {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length, authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

// The session the viewer polls (--viewer).
const VIEWED = '5e'.repeat(16);

const PROMPT = 'You are a support agent for an online shop. '.repeat(8) + 'Customer: where is my order 42? It was due on Monday and I still have nothing. Can you check and tell me when it arrives, or refund it? '.repeat(4);
const INPUT_MESSAGES = JSON.stringify([{ role: 'system', parts: [{ type: 'text', content: PROMPT.slice(0, 360) }] }, { role: 'user', parts: [{ type: 'text', content: PROMPT.slice(360, 1024) }] }]);
const OUTPUT_MESSAGES = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Your order 42 was delivered on Monday; here is the tracking link.' }], finish_reason: 'stop' }]);
const RESOURCE = {
  attributes: [
    kv('service.name', 'support-bot'),
    kv('service.version', '1.4.2'),
    kv('host.name', 'bench-host'),
    kv('process.pid', 4242),
    kv('process.runtime.name', 'nodejs'),
    kv('process.runtime.version', process.versions.node),
    kv('telemetry.sdk.name', 'opentelemetry'),
    kv('telemetry.sdk.language', 'nodejs'),
    kv('telemetry.distro.name', 'agentops'),
    kv('deployment.environment.name', 'bench'),
  ],
};

function kv(key, value) {
  if (typeof value === 'string') return { key, value: { string_value: value } };
  if (Number.isInteger(value)) return { key, value: { int_value: value } };
  return { key, value: { double_value: value } };
}

/**
 * Encoding 512 spans with protobufjs takes longer than storing them, so the generator encodes one
 * batch once and, per request, copies it and writes fresh trace and span ids where the template's
 * ids are (every id is random, so its bytes occur nowhere else): each request is new spans.
 */
class BatchTemplate {
  constructor(TraceRequest, n) {
    this.bytes = encodeBatch(TraceRequest, n);
    const decoded = TraceRequest.decode(this.bytes).resource_spans[0].scope_spans[0].spans;
    const ids = new Map();
    for (const s of decoded) {
      ids.set(Buffer.from(s.trace_id).toString('hex'), 16);
      ids.set(Buffer.from(s.span_id).toString('hex'), 8);
    }
    this.slots = [...ids].map(([hex, size]) => {
      const needle = Buffer.from(hex, 'hex');
      const at = [];
      for (let i = this.bytes.indexOf(needle); i >= 0; i = this.bytes.indexOf(needle, i + 1)) at.push(i);
      return { size, at };
    });
    this.randomSize = this.slots.reduce((n, s) => n + s.size, 0);
  }

  next() {
    const out = Buffer.from(this.bytes);
    const fresh = randomBytes(this.randomSize);
    let o = 0;
    for (const { size, at } of this.slots) {
      for (const i of at) fresh.copy(out, i, o, o + size);
      o += size;
    }
    return out;
  }
}

/** `n` spans in sessions of 64: a session root, LLM calls with ~1 KiB prompts, tool calls; fresh ids. */
function encodeBatch(TraceRequest, n) {
  const spans = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  let traceId;
  let rootId;
  for (let i = 0; i < n; i++) {
    const spanId = randomBytes(8);
    if (i % 64 === 0) {
      traceId = randomBytes(16);
      rootId = spanId;
      spans.push({
        trace_id: traceId,
        span_id: spanId,
        name: 'support-bot',
        kind: 1,
        start_time_unix_nano: String(now - 60_000_000_000n),
        end_time_unix_nano: String(now),
        attributes: [kv('session.id', traceId.toString('hex')), kv('agentops.span.kind', 'session'), kv('agentops.session.end_state', 'Success'), { key: 'agentops.tags', value: { array_value: { values: [{ string_value: 'bench' }] } } }],
        status: { code: 1 },
      });
      continue;
    }
    const start = now - BigInt(60_000 - i * 50) * 1_000_000n;
    const isTool = i % 4 === 0;
    spans.push(
      isTool
        ? {
            trace_id: traceId,
            span_id: spanId,
            parent_span_id: rootId,
            name: 'execute_tool lookup_order',
            kind: 1,
            start_time_unix_nano: String(start),
            end_time_unix_nano: String(start + 3_000_000n),
            attributes: [kv('agentops.event.type', 'tool'), kv('agentops.event.id', spanId.toString('hex')), kv('gen_ai.operation.name', 'execute_tool'), kv('gen_ai.tool.name', 'lookup_order'), kv('gen_ai.tool.call.arguments', '{"order_id":42}'), kv('gen_ai.tool.call.result', '{"status":"delivered","day":"Monday"}')],
          }
        : {
            trace_id: traceId,
            span_id: spanId,
            parent_span_id: rootId,
            name: 'chat gpt-4o-mini',
            kind: 3,
            start_time_unix_nano: String(start),
            end_time_unix_nano: String(start + 40_000_000n),
            attributes: [
              kv('agentops.event.type', 'llm'),
              kv('agentops.event.id', spanId.toString('hex')),
              kv('gen_ai.operation.name', 'chat'),
              kv('gen_ai.provider.name', 'openai'),
              kv('gen_ai.request.model', 'gpt-4o-mini'),
              kv('gen_ai.response.model', 'gpt-4o-mini-2024-07-18'),
              kv('gen_ai.response.id', `chatcmpl-${spanId.toString('hex')}`),
              kv('gen_ai.request.temperature', 0.2),
              kv('gen_ai.usage.input_tokens', 260),
              kv('gen_ai.usage.output_tokens', 18),
              kv('agentops.llm.cost_usd', 0.0000498),
              kv('gen_ai.input.messages', INPUT_MESSAGES),
              kv('gen_ai.output.messages', OUTPUT_MESSAGES),
            ],
          },
    );
  }
  const msg = TraceRequest.fromObject({ resource_spans: [{ resource: RESOURCE, scope_spans: [{ scope: { name: 'agentops', version: '0.1.0' }, spans }] }] });
  return Buffer.from(TraceRequest.encode(msg).finish());
}

// Last, so every constant above is initialised before either side starts.
if (process.argv.includes('--load')) await loadGenerator();
else await main();
