// CPU cost of an agent framework's instrumentation: sequential runs of one agent (bench/frameworks/)
// against a loopback OpenAI stub, with agentops initialised but recording nothing of the framework
// (`instrument: false`: the session is there, the framework and the client are not patched) and
// with a plain `init()` (the framework and the client patched automatically, as a user gets it).
// Each side runs in its own process, inside an agentops session; CPU time is process.cpuUsage()
// over the runs and the flush that exports their spans (OTLP/protobuf to a sink in the stub
// process, which is forked so its CPU time is not counted).
//
//   npm run build && node bench/agent-step-overhead.mjs --framework langgraph [--runs 1000] [--warmup 500] [--rounds 3]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const load = (name) => import(`./frameworks/${name}.mjs`);
const SIDES = [
  ['off', 'agentops off (instrument: false)'],
  ['agentops', 'agentops (plain init())'],
];

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[2] === '--stub') await serveStub(process.argv[3]);
else if (process.argv[2] === '--side') await runSide(process.argv[3], process.argv[4], process.argv[5]);
else await main(arg('framework', 'langgraph'));

async function main(name) {
  const framework = await load(name);
  const runs = Number(arg('runs', 1000));
  const warmup = Number(arg('warmup', 500));
  const rounds = Number(arg('rounds', 3));
  const stub = fork(fileURLToPath(import.meta.url), ['--stub', name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => stub.once('message', (m) => resolve(m.port)));
  const side = (s) =>
    new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['--side', name, s, `http://127.0.0.1:${port}`], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: ['--expose-gc'],
        env: { ...process.env, BENCH_RUNS: String(runs), BENCH_WARMUP: String(warmup), AGENTOPS_LOG_LEVEL: 'error' },
      });
      child.once('message', (m) => resolve(m.usPerRun));
      child.once('exit', (code) => code !== 0 && reject(new Error(`side ${s} exited with ${code}`)));
    });
  const per = SIDES.map(() => []);
  for (let r = 0; r < rounds; r++) for (let k = 0; k < SIDES.length; k++) per[(r + k) % SIDES.length].push(await side(SIDES[(r + k) % SIDES.length][0]));
  stub.kill();
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const added = per[1].map((us, i) => us - per[0][i]);
  const calls = framework.perRun.modelCalls;
  console.log(`Agent run, ${framework.label}: CPU per run (${calls} model calls, ${framework.perRun.toolCalls} tool call); ${runs} runs per process after ${warmup} warm-up runs; ${rounds} rounds`);
  console.log(`  machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`);
  SIDES.forEach(([, label], k) => console.log(`  ${label.padEnd(34)} ${median(per[k]).toFixed(0).padStart(6)} us/run (min ${Math.min(...per[k]).toFixed(0)}, max ${Math.max(...per[k]).toFixed(0)})`));
  console.log(`  added by agentops: ${median(added).toFixed(0)} us/run median (min ${Math.min(...added).toFixed(0)}, max ${Math.max(...added).toFixed(0)}); ratio ${(median(per[1]) / median(per[0])).toFixed(2)}x`);
  console.log(JSON.stringify({ framework: name, date: new Date().toISOString().slice(0, 10), runs, warmup, rounds, usPerRun: Object.fromEntries(SIDES.map(([s], k) => [s, per[k].map((x) => Math.round(x))])) }));
}

async function runSide(name, side, base) {
  const framework = await load(name);
  const runs = Number(process.env.BENCH_RUNS);
  const warmup = Number(process.env.BENCH_WARMUP);
  process.env.OTLP_EXPORTER_ENDPOINT = base;
  const agentops = await import('../packages/agentops/dist/index.mjs');
  agentops.init({ autoStartSession: false, ...(side === 'off' ? { instrument: false } : {}) });
  // Loaded after init(), as the ES module import hook sees it.
  const agent = await framework.makeAgent(base);
  const session = agentops.startSession({ name: 'bench' });
  await session.run(async () => {
    for (let i = 0; i < warmup; i++) await framework.run(agent);
  });
  await agentops.flush(10_000);
  globalThis.gc?.();
  const start = process.cpuUsage();
  await session.run(async () => {
    for (let i = 0; i < runs; i++) await framework.run(agent);
  });
  await agentops.flush(10_000);
  const used = process.cpuUsage(start);
  session.end();
  process.send({ usPerRun: (used.user + used.system) / runs }, () => process.exit(0));
}

async function serveStub(name) {
  const framework = await load(name);
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (!req.url.endsWith('/chat/completions')) {
        // OTLP traces, metrics and logs: sunk.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
        return;
      }
      const answer = framework.respond(req, Buffer.concat(chunks));
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => server.close(() => process.exit(0)));
}
