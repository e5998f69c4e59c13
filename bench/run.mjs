// `npm run bench`: every target of the performance issue, measured against the floor (the leanest raw
// OpenTelemetry code that sends the same data, bench/contenders/floor.mjs) in the same run, printed as
// one table with the median, min-max and met / not met. Method: bench/run-contender.mjs (each run a
// fresh process, a warm-up session confirmed by the sink, the measured session in chunks of 30
// events); rounds rotate the order of the contenders and ratios are paired within a round.
//
// Options (env):
//   BENCH_ROUNDS (11)               rounds of every recording scenario
//   BENCH_NS (2000,20000)           measured session sizes, in LLM events (plus half as many tool events)
//   BENCH_WARM (6000)               LLM events of the warm-up session
//   BENCH_N_LONG (1000000)          events of the long session for RSS growth (0 skips it)
//   BENCH_ONLY                      comma list of scenario ids to run (floor, agentops, floor-off, ...)
//   BENCH_PEERS (0)                 1 adds the peer SDKs (bench/peers/) to the rounds, for reference
//   BENCH_PROVIDERS (openai,anthropic,google-genai,openai-agents)
//   BENCH_PROVIDER_ROUNDS (11), BENCH_PROVIDER_CALLS (2000), BENCH_PROVIDER_WARMUP (1000)
//   BENCH_INGEST_RUNS (5), BENCH_INGEST_SECONDS (10)
//   BENCH_SKIP                      comma list of parts to skip: recording, long, providers, ingest
import { fork } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { writeFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const env = process.env;
const ROUNDS = Number(env.BENCH_ROUNDS ?? 11);
const NS = (env.BENCH_NS ?? '2000,20000').split(',').map(Number);
const N_LONG = Number(env.BENCH_N_LONG ?? 1_000_000);
const ONLY = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',')) : undefined;
const SKIP = new Set((env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const PROVIDERS = (env.BENCH_PROVIDERS ?? 'openai,anthropic,google-genai,openai-agents').split(',').filter(Boolean);

// [id, contender, content, destinations, metrics, label]
const SCENARIOS = [
  ['floor', 'floor', 'on', 1, 'on', 'floor: raw OpenTelemetry, content on'],
  ['agentops', 'agentops', 'on', 1, 'on', 'agentops, content on (metrics on)'],
  ['floor-off', 'floor', 'off', 1, 'on', 'floor: raw OpenTelemetry, content off'],
  ['agentops-off', 'agentops', 'off', 1, 'on', 'agentops, content off'],
  ['agentops-nometrics', 'agentops', 'on', 1, 'off', 'agentops, content on, metrics off'],
  ['agentops-3', 'agentops', 'on', 3, 'on', 'agentops, 3 OTLP destinations'],
  ...(env.BENCH_PEERS === '1'
    ? [
        ['traceloop', 'traceloop', 'on', 1, 'on', 'OpenLLMetry (@traceloop/node-server-sdk)'],
        ['langfuse', 'langfuse', 'on', 1, 'on', 'Langfuse (@langfuse/otel + tracing)'],
        ['phoenix', 'phoenix', 'on', 1, 'on', 'Phoenix (@arizeai/phoenix-otel)'],
      ]
    : []),
].filter((s) => !ONLY || ONLY.has(s[0]));

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length });
const log = (...a) => console.error(...a);

const meta = { date: new Date().toISOString(), cpu: cpus()[0]?.model?.trim(), cores: cpus().length, node: process.version, rounds: ROUNDS, ns: NS, warm: Number(env.BENCH_WARM ?? 6000), nLong: N_LONG, loadAtStart: loadavg().map((x) => x.toFixed(1)).join(' ') };
log(`bench: ${meta.cores} cores, ${meta.cpu}, node ${meta.node}, load average ${meta.loadAtStart}; ${ROUNDS} rounds, N = ${NS.join(', ')}, warm-up ${meta.warm} LLM events`);

// ------------------------------------------------------------------ recording runs, against one sink
const sink = fork(new URL('./sink.mjs', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise((r) => sink.once('message', (m) => r(m.port)));
const sinkStats = (id) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.type === 'stats' && m.id === id) {
        sink.off('message', on);
        resolve(m.stats);
      }
    };
    sink.on('message', on);
    sink.send({ type: 'stats', id });
  });
// Waits until the sink holds `expected` spans of the run, or its count has not moved for `quietMs`
// (the contender has flushed: what is missing was dropped), or `ms` have passed.
async function waitForSpans(runId, expected, ms, quietMs = 3_000) {
  const deadline = Date.now() + ms;
  let s = await sinkStats(runId);
  let last = s.spans;
  let movedAt = Date.now();
  while (s.spans < expected && Date.now() < deadline && Date.now() - movedAt < quietMs) {
    await new Promise((r) => setTimeout(r, 20));
    s = await sinkStats(runId);
    if (s.spans !== last) [last, movedAt] = [s.spans, Date.now()];
  }
  return s;
}

// Each contender runs as a fresh application of its own: a one-line entry point in an empty
// directory whose package.json declares no library. Run from inside this repository, whose root
// package.json declares every supported provider SDK for the tests, agentops' init() would find
// those declared packages and load them to patch them (what it does for an ES module application),
// a memory and CPU cost no application that records without those libraries pays.
const appDir = mkdtempSync(join(tmpdir(), 'agentops-bench-app-'));
writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'bench-app', private: true, type: 'module' }));
writeFileSync(join(appDir, 'app.mjs'), `import ${JSON.stringify(new URL('./run-contender.mjs', import.meta.url).href)};\n`);
process.on('exit', () => rmSync(appDir, { recursive: true, force: true }));

let seq = 0;
async function runOnce(scenario, n, mode = 'cpu') {
  const [id, contender, content, destinations, metrics] = scenario;
  const runId = `r${seq++}-${id}`;
  const child = fork(join(appDir, 'app.mjs'), [contender, String(n), `http://127.0.0.1:${port}/${runId}`, content, String(destinations), mode, metrics], {
    cwd: appDir,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: mode === 'rss' ? ['--expose-gc'] : [],
    env: { ...env, AGENTOPS_LOG_LEVEL: 'silent', OTEL_LOG_LEVEL: 'none' },
  });
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`${id} exited with ${code} before reporting`))));
  const next = () => Promise.race([new Promise((r) => child.once('message', r)), exited]);
  const warm = await next();
  // The warm-up session must be at the sink, every span of it, before the measured session starts.
  const warmStats = await waitForSpans(runId, warm.expectedSpans * destinations, 60_000);
  const warmLost = warm.expectedSpans * destinations - warmStats.spans;
  if (warmLost > 0) log(`  ${id}: ${warmLost} spans of the warm-up session never reached the sink`);
  child.send('go');
  const done = await next();
  // shutdown() has returned: everything it exported is at the sink or lost.
  const expected = done.expectedSpans * destinations;
  const s = await waitForSpans(runId, expected, 5_000);
  child.send('exit');
  await new Promise((r) => child.once('exit', r));
  sink.send({ type: 'forget', id: runId });
  return {
    warmLost,
    chunkUsPerEvent: done.chunkCpuUs / done.events,
    totalUsPerEvent: done.totalCpuUs / done.events,
    spansLost: expected - s.spans,
    bytesPerSpan: s.bytes / Math.max(s.spans, 1),
    maxRssMb: done.maxRssMb,
    rssGrowthMb: done.rssEndMb - done.rssAfterWarmMb,
  };
}

const results = {}; // `${id}@${n}` -> per round
if (!SKIP.has('recording')) {
  for (let round = 0; round < ROUNDS; round++) {
    // The order rotates each round so that no contender always runs first (or next to the same one).
    const order = SCENARIOS.map((_, i) => SCENARIOS[(i + round) % SCENARIOS.length]);
    for (const n of NS) for (const s of order) (results[`${s[0]}@${n}`] ??= [])[round] = await runOnce(s, n);
    log(`  round ${round + 1}/${ROUNDS} done (load average ${loadavg()[0].toFixed(1)})`);
  }
}
let long;
if (N_LONG > 0 && !SKIP.has('long') && (!ONLY || ONLY.has('agentops'))) {
  // N_LONG events: two thirds LLM events, one third tool events.
  long = await runOnce(SCENARIOS.find((s) => s[0] === 'agentops') ?? ['agentops', 'agentops', 'on', 1, 'on'], Math.round((N_LONG * 2) / 3), 'rss');
  log(`  long session (${N_LONG} events) done: RSS growth ${long.rssGrowthMb.toFixed(1)} MiB`);
}
sink.disconnect();

// ------------------------------------------------------------------ provider calls and ingest
function runScript(script, args) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL(`./${script}`, import.meta.url)), args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    const lines = [];
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        log(`  | ${line}`);
      }
    });
    child.once('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`${script} exited with ${code}`))));
  });
}
const providers = {};
if (!SKIP.has('providers')) {
  for (const p of PROVIDERS) {
    try {
      const lines = await runScript('provider-overhead.mjs', ['--provider', p, '--rounds', String(env.BENCH_PROVIDER_ROUNDS ?? 11), '--calls', String(env.BENCH_PROVIDER_CALLS ?? 2000), '--warmup', String(env.BENCH_PROVIDER_WARMUP ?? 1000)]);
      providers[p] = JSON.parse(lines.findLast((l) => l.startsWith('{"provider"')));
    } catch (err) {
      log(`  ${p}: ${err.message}`);
      process.exitCode = 1;
    }
  }
}
let ingest;
if (!SKIP.has('ingest')) {
  try {
    const lines = await runScript('ingest.mjs', ['--runs', String(env.BENCH_INGEST_RUNS ?? 5), '--seconds', String(env.BENCH_INGEST_SECONDS ?? 10)]);
    const file = lines.findLast((l) => l.startsWith('written to ')).slice('written to '.length);
    ingest = JSON.parse(readFileSync(resolve(process.cwd(), file), 'utf8'));
  } catch (err) {
    log(`  ingest: ${err.message}`);
    process.exitCode = 1;
  }
}

// ------------------------------------------------------------------ the table
const paired = (a, b, n, key) => {
  const ra = results[`${a}@${n}`];
  const rb = results[`${b}@${n}`];
  if (!ra || !rb) return undefined;
  return stats(ra.map((x, i) => x[key] / rb[i][key]));
};
const rows = [];
const target = (name, s, limit, unit = 'x', cmp = 'le') => {
  if (!s) return;
  const met = cmp === 'le' ? s.median <= limit : cmp === 'lt' ? s.median < limit : s.median >= limit;
  rows.push({ target: name, median: s.median, min: s.min, max: s.max, n: s.n, unit, met });
};
for (const n of NS) {
  target(`content on: CPU first event..shutdown <= 1.15x floor, N=${n}`, paired('agentops', 'floor', n, 'totalUsPerEvent'), 1.15);
  target(`content off: CPU first event..shutdown <= 1.10x floor, N=${n}`, paired('agentops-off', 'floor-off', n, 'totalUsPerEvent'), 1.1);
  target(`metrics on: CPU <= 1.05x metrics off, N=${n}`, paired('agentops', 'agentops-nometrics', n, 'totalUsPerEvent'), 1.05);
  target(`3 OTLP destinations: CPU <= 1.10x one destination, N=${n}`, paired('agentops-3', 'agentops', n, 'totalUsPerEvent'), 1.1);
}
const lost = Object.entries(results).filter(([k]) => k.startsWith('agentops')).flatMap(([, rs]) => rs.map((r) => r.spansLost));
if (long) lost.push(long.spansLost);
if (lost.length) target('zero spans lost (every agentops run; value: most lost in one run)', { median: Math.max(...lost), min: Math.min(...lost), max: Math.max(...lost), n: lost.length }, 0, ' spans');
const bigN = Math.max(...NS);
target(`bytes/span <= floor + 10%, content on, N=${bigN}`, paired('agentops', 'floor', bigN, 'bytesPerSpan'), 1.1);
target(`peak RSS <= 1.05x floor, N=${bigN}`, paired('agentops', 'floor', bigN, 'maxRssMb'), 1.05);
if (long) target(`RSS growth over a ${N_LONG}-event session < 20 MiB (one run; RSS after a full GC at 100,000 LLM events and at the end)`, { median: long.rssGrowthMb, min: long.rssGrowthMb, max: long.rssGrowthMb, n: 1 }, 20, ' MiB', 'lt');
for (const [p, r] of Object.entries(providers)) target(`${r.label}: CPU added <= a raw OTel hand wrapper's (ratio of overheads)`, r.overheadRatio, 1.0);
if (ingest) {
  const n = ingest.runs.length;
  target('local backend ingest >= 50,000 spans/s (2 cores)', { ...ingest.spansPerSecond, n }, 50_000, ' spans/s', 'ge');
  target('/v1/traces p99 < 250 ms at that load', { ...ingest.p99Ms, n }, 250, ' ms', 'lt');
}

const fmt = (x, unit) => (unit === 'x' ? x.toFixed(2) + 'x' : `${unit === ' MiB' ? x.toFixed(1) : Math.round(x)}${unit}`);
console.log(`\n${meta.date.slice(0, 16).replace('T', ' ')} UTC, ${meta.cpu}, ${meta.cores} cores, Node ${meta.node}, load average at start ${meta.loadAtStart}; recording: ${ROUNDS} rounds (ratios paired within a round), N = ${NS.join(', ')}\n`);
console.log('| target | median | min - max | runs | |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.target} | ${fmt(r.median, r.unit)} | ${fmt(r.min, r.unit)} - ${fmt(r.max, r.unit)} | ${r.n} | ${r.met ? 'met' : '**not met**'} |`);

if (Object.keys(results).length) {
  console.log('\nPer scenario (medians of rounds; CPU per event in us, min - max in brackets):\n');
  console.log('| scenario | N | CPU/event first event..shutdown | CPU/event inside the chunks | spans lost (max) | bytes/span | peak RSS MiB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [key, rs] of Object.entries(results)) {
    const [id, n] = key.split('@');
    const t = stats(rs.map((r) => r.totalUsPerEvent));
    const c = stats(rs.map((r) => r.chunkUsPerEvent));
    const label = SCENARIOS.find((x) => x[0] === id)?.[5] ?? id;
    console.log(`| ${label} | ${n} | ${t.median.toFixed(2)} [${t.min.toFixed(2)}-${t.max.toFixed(2)}] | ${c.median.toFixed(2)} [${c.min.toFixed(2)}-${c.max.toFixed(2)}] | ${Math.max(...rs.map((r) => r.spansLost))} | ${median(rs.map((r) => r.bytesPerSpan)).toFixed(0)} | ${median(rs.map((r) => r.maxRssMb)).toFixed(0)} |`);
  }
  console.log('\nInside the chunks, paired ratios (median, min - max): ' + NS.map((n) => `N=${n}: content on ${fmtStats(paired('agentops', 'floor', n, 'chunkUsPerEvent'))}, content off ${fmtStats(paired('agentops-off', 'floor-off', n, 'chunkUsPerEvent'))}`).join('; '));
}
function fmtStats(s) {
  return s ? `${s.median.toFixed(2)}x (${s.min.toFixed(2)} - ${s.max.toFixed(2)})` : '-';
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), JSON.stringify({ meta, targets: rows, results, long, providers, ingest }, null, 2));
