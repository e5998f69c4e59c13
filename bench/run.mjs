// `npm run bench`: interleaved runs of every contender against one sink process; medians as ratios
// to the raw OpenTelemetry SDK (the floor) measured in the same run. Options (env):
//   BENCH_RUNS (default 5), BENCH_N (default 20000), BENCH_N_BIG (default 200000),
//   BENCH_N_LONG (default 1000000; 0 skips), BENCH_ONLY (comma list of scenario ids),
//   BENCH_SKIP (comma list of the benches that follow the table: providers, ingest).
// After the table it runs bench/provider-overhead.mjs (an instrumented call of each provider) and bench/ingest.mjs
// (local backend ingest), which print their own figures.
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync, mkdirSync } from 'node:fs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const N = Number(process.env.BENCH_N ?? 20000);
const N_BIG = Number(process.env.BENCH_N_BIG ?? 200000);
const N_LONG = Number(process.env.BENCH_N_LONG ?? 1000000);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;

// [id, contender, content, destinations, label]
const SCENARIOS = [
  ['floor', 'floor', 'on', 1, 'raw OpenTelemetry SDK (floor)'],
  ['agentops', 'agentops', 'on', 1, 'agentops, session.record(LLMEvent)'],
  ['floor-nocontent', 'floor', 'off', 1, 'raw OpenTelemetry SDK, no content (floor)'],
  ['agentops-nocontent', 'agentops', 'off', 1, 'agentops, content capture off'],
  ['floor-3', 'floor', 'on', 3, 'raw OpenTelemetry SDK, 3 exporters'],
  ['agentops-3', 'agentops', 'on', 3, 'agentops, 3 OTLP destinations (vendor, collector, extra)'],
  ['traceloop', 'traceloop', 'on', 1, 'OpenLLMetry (@traceloop/node-server-sdk 0.27)'],
  ['langfuse', 'langfuse', 'on', 1, 'Langfuse (@langfuse/otel + tracing 5.11)'],
  ['phoenix', 'phoenix', 'on', 1, 'Phoenix (@arizeai/phoenix-otel 2.1)'],
].filter((s) => !ONLY || ONLY.has(s[0]));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

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

let seq = 0;
async function runOnce(scenario, n, mode = 'cpu') {
  const [id, contender, content, destinations] = scenario;
  const runId = `r${seq++}-${id}`;
  const baseUrl = `http://127.0.0.1:${port}/${runId}`;
  const child = fork(new URL('./run-contender.mjs', import.meta.url), [contender, String(n), baseUrl, content, String(destinations), mode], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: mode === 'rss' ? ['--expose-gc'] : [],
    env: { ...process.env, AGENTOPS_LOG_LEVEL: 'silent', OTEL_LOG_LEVEL: 'none' },
  });
  const result = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${id} exited with ${code} before reporting`)));
  });
  const perDestination = result.expectedSpans;
  const expected = perDestination * destinations;
  const deadline = Date.now() + 120_000;
  let stats = await sinkStats(runId);
  while (stats.spans < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    stats = await sinkStats(runId);
  }
  child.send('close');
  await new Promise((r) => child.once('exit', r));
  sink.send({ type: 'forget', id: runId });
  return {
    cpuPerEventUs: result.cpuUs / result.events,
    e2eMs: stats.at - result.t0,
    spansReceived: stats.spans,
    spansExpected: expected,
    bytesPerSpan: stats.bytes / Math.max(stats.spans, 1),
    maxRssMb: result.maxRssMb,
    rssGrowthMb: result.rssEndMb - result.rssAfterWarmMb,
  };
}

const results = {};
const record = (key, r) => ((results[key] ??= []).push(r));
console.error(`bench: ${RUNS} interleaved runs, N=${N}, N_BIG=${N_BIG}, N_LONG=${N_LONG}, ${cpus().length} cores, ${cpus()[0]?.model}, node ${process.version}`);
for (let run = 0; run < RUNS; run++) {
  // Rotate the order each run so no contender always goes first.
  const order = SCENARIOS.map((_, i) => SCENARIOS[(i + run) % SCENARIOS.length]);
  for (const s of order) {
    record(`${s[0]}@${N}`, await runOnce(s, N));
    console.error(`  run ${run + 1}/${RUNS} ${s[0]} N=${N} done`);
  }
  // The long runs show steady state: at N (0.3 s of recording) the JIT compiling each SDK's code is a large part of the figure.
  if (N_BIG > 0) for (const s of order.filter((x) => ['floor', 'agentops', 'floor-nocontent', 'agentops-nocontent'].includes(x[0]))) record(`${s[0]}@${N_BIG}`, await runOnce(s, N_BIG));
  for (const s of order.filter((x) => ['floor', 'agentops'].includes(x[0]))) record(`${s[0]}@2000`, await runOnce(s, 2000));
}
if (N_LONG > 0) {
  for (const s of SCENARIOS.filter((x) => ['floor', 'agentops'].includes(x[0]))) {
    record(`${s[0]}@long`, await runOnce(s, N_LONG, 'rss'));
    console.error(`  ${s[0]} long session (${N_LONG} events) done`);
  }
}
sink.disconnect();

const summary = {};
for (const [key, rs] of Object.entries(results)) {
  const pick = (f) => rs.map(f);
  summary[key] = {
    runs: rs.length,
    cpuPerEventUs: median(pick((r) => r.cpuPerEventUs)),
    cpuMin: Math.min(...pick((r) => r.cpuPerEventUs)),
    cpuMax: Math.max(...pick((r) => r.cpuPerEventUs)),
    e2eMs: median(pick((r) => r.e2eMs)),
    lost: Math.max(...pick((r) => r.spansExpected - r.spansReceived)),
    bytesPerSpan: median(pick((r) => r.bytesPerSpan)),
    maxRssMb: median(pick((r) => r.maxRssMb)),
    rssGrowthMb: median(pick((r) => r.rssGrowthMb)),
  };
}
const meta = { date: new Date().toISOString().slice(0, 10), cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, runs: RUNS, n: N, nBig: N_BIG, nLong: N_LONG };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), JSON.stringify({ meta, summary, results }, null, 2));

const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '-');
const floorOf = (id) => (id.startsWith('agentops-nocontent') || id.startsWith('floor-nocontent') ? 'floor-nocontent' : 'floor');
console.log(`\n${meta.date}, ${meta.cpu}, ${meta.cores} cores, node ${meta.node}, ${RUNS} runs (medians; CPU min-max in brackets)\n`);
console.log('| contender | N | CPU/event us | vs floor | end-to-end ms | vs floor | spans lost | bytes/span | vs floor | peak RSS MiB | vs floor |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [key, s] of Object.entries(summary)) {
  const [id, n] = key.split('@');
  if (n === 'long') continue;
  const f = summary[`${floorOf(id)}@${n}`];
  const label = SCENARIOS.find((x) => x[0] === id)?.[4] ?? id;
  console.log(
    `| ${label} | ${n} | ${s.cpuPerEventUs.toFixed(2)} [${s.cpuMin.toFixed(2)}-${s.cpuMax.toFixed(2)}] | ${ratio(s.cpuPerEventUs, f?.cpuPerEventUs)} | ${s.e2eMs.toFixed(0)} | ${ratio(s.e2eMs, f?.e2eMs)} | ${s.lost} | ${s.bytesPerSpan.toFixed(0)} | ${ratio(s.bytesPerSpan, f?.bytesPerSpan)} | ${s.maxRssMb.toFixed(0)} | ${ratio(s.maxRssMb, f?.maxRssMb)} |`,
  );
}
for (const [key, s] of Object.entries(summary)) {
  if (!key.endsWith('@long')) continue;
  console.log(`\nRSS growth over a ${N_LONG}-event session (after the first 100,000): ${key.split('@')[0]} ${s.rssGrowthMb.toFixed(1)} MiB, ${(s.cpuPerEventUs).toFixed(2)} us/event, ${s.lost} lost`);
}

const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
for (const [id, script] of [['providers', 'provider-overhead.mjs'], ['ingest', 'ingest.mjs']]) {
  if (SKIP.has(id)) continue;
  console.log('');
  const child = fork(new URL(`./${script}`, import.meta.url), [], { stdio: 'inherit' });
  const code = await new Promise((r) => child.once('exit', r));
  if (code !== 0) {
    console.error(`${script} failed with exit code ${code}`);
    process.exitCode = 1;
  }
}
