// CPU cost of a provider's instrumentation: sequential calls of one provider client against a
// loopback stub with three clients: uninstrumented, wrapped by hand with the raw OpenTelemetry SDK
// (the floor for any OpenTelemetry-based instrumentation), and patched with agentops.instrument().
// Each side runs in its own process, inside an agentops session; CPU time is process.cpuUsage()
// (user + system) over the calls and the flush that encodes and exports their spans (OTLP/protobuf
// to a sink in the stub process). The stub runs in a forked process so its CPU time is not counted.
// Each provider is a module in bench/providers/: its stub answer, its client, one call, and the
// same call wrapped by hand.
//
//   npm run build && node bench/provider-overhead.mjs [--provider openai] [--calls 4000] [--warmup 2000] [--rounds 5] [--fetch stub|in-process]
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** The providers: every module in bench/providers/. */
const PROVIDERS = readdirSync(new URL('./providers/', import.meta.url)).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4)).sort();

const loadProvider = (name) => import(`./providers/${name}.mjs`);

const SIDES = [
  ['plain', 'uninstrumented'],
  ['hand', 'raw OpenTelemetry by hand'],
  ['agentops', 'agentops.instrument()'],
];

if (process.argv[2] === '--stub') {
  await serveStub(process.argv[3]);
} else if (process.argv[2] === '--side') {
  await runSide(process.argv[3], process.argv[4], process.argv[5]);
} else {
  const i = process.argv.indexOf('--provider');
  for (const name of i > 0 ? [process.argv[i + 1]] : PROVIDERS) await main(name);
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/**
 * Each side runs in a process of its own, one after the other (the order rotates every round), all
 * against one stub: sides sharing a heap would charge each other's garbage collection, which at this
 * scale decides the result. The ratio is taken per round between neighbouring processes.
 */
async function main(providerName) {
  const provider = await loadProvider(providerName);
  const calls = arg('calls', 4000);
  const rounds = arg('rounds', 5);
  const warmup = arg('warmup', 2000);
  const inProcess = process.argv.includes('--fetch') && process.argv[process.argv.indexOf('--fetch') + 1] === 'in-process';

  const stub = fork(fileURLToPath(import.meta.url), ['--stub', providerName], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => stub.once('message', (m) => resolve(m.port)));
  const base = `http://127.0.0.1:${port}`;

  const runSideProcess = (side) =>
    new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['--side', providerName, side, base], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: ['--expose-gc'],
        env: { ...process.env, BENCH_CALLS: String(calls), BENCH_WARMUP: String(warmup), BENCH_FETCH: inProcess ? 'in-process' : 'stub', AGENTOPS_LOG_LEVEL: 'error' },
      });
      child.once('message', (m) => resolve(m.usPerCall));
      child.once('exit', (code) => code !== 0 && reject(new Error(`side ${side} exited with ${code}`)));
    });

  const perSide = SIDES.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < SIDES.length; k++) {
      const i = (r + k) % SIDES.length;
      perSide[i].push(await runSideProcess(SIDES[i][0]));
    }
  }
  stub.kill();

  const median = (xs) => {
    const s = [...xs].sort((x, y) => x - y);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const ratio = (k) => {
    const rs = perSide[k].map((us, i) => us / perSide[0][i]);
    // `total`: all CPU time of the side over all CPU time of the uninstrumented client, every round.
    return { median: Number(median(rs).toFixed(3)), min: Number(Math.min(...rs).toFixed(3)), max: Number(Math.max(...rs).toFixed(3)), total: Number((sum(perSide[k]) / sum(perSide[0])).toFixed(3)) };
  };
  // The target's figure: the CPU agentops adds over the uninstrumented client, over the CPU the hand
  // wrapper adds, per round (the three sides of a round ran next to each other).
  const overheads = perSide[2].map((us, i) => (us - perSide[0][i]) / (perSide[1][i] - perSide[0][i]));
  const overheadRatio = { median: Number(median(overheads).toFixed(3)), min: Number(Math.min(...overheads).toFixed(3)), max: Number(Math.max(...overheads).toFixed(3)), n: rounds };
  const fmt = (x) => x.toFixed(1);
  const result = {
    provider: providerName,
    label: provider.label,
    overheadRatio,
    usPerCallByRound: Object.fromEntries(SIDES.map(([side], k) => [side, perSide[k].map((x) => Number(x.toFixed(1)))])),
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`,
    fetch: inProcess ? 'in-process' : 'stub',
    callsPerProcess: calls,
    warmup,
    rounds,
    sides: SIDES.map(([, name], k) => ({ name, medianUsPerCall: Number(fmt(median(perSide[k]))), ...(k > 0 ? { ratio: ratio(k) } : {}) })),
  };
  console.log(`Instrumented call, ${provider.label}: CPU time per call (${calls} calls per process after ${warmup} warm-up calls; ${rounds} rounds of one process per side; fetch: ${result.fetch})`);
  console.log(`  machine: ${result.machine}`);
  result.sides.forEach((s, k) => {
    const q = s.ratio;
    const r = k > 0 ? ` ratio ${q.median}x median of rounds (min ${q.min}x, max ${q.max}x), ${q.total}x of total CPU` : '';
    const added = k > 0 ? ` (+${fmt(s.medianUsPerCall - result.sides[0].medianUsPerCall)} us added)` : '';
    console.log(`  ${s.name.padEnd(26)} ${fmt(s.medianUsPerCall).padStart(7)} us/call${added}${r}`);
  });
  console.log(`  CPU added by agentops over the CPU added by the hand wrapper: ${overheadRatio.median}x median of rounds (min ${overheadRatio.min}x, max ${overheadRatio.max}x)`);
  console.log(JSON.stringify(result));
}

/** One side: warm up, then time `calls` sequential calls and the flush that exports their spans. */
async function runSide(providerName, side, base) {
  const provider = await loadProvider(providerName);
  const calls = Number(process.env.BENCH_CALLS);
  const warmup = Number(process.env.BENCH_WARMUP);
  // Spans go as OTLP/protobuf over HTTP to the stub process: what a collector or the vendor costs.
  process.env.OTLP_EXPORTER_ENDPOINT = base;
  const agentops = await import('../packages/agentops/dist/index.mjs');
  // Every side runs inside an agentops session, so the only difference is the client's instrumentation.
  agentops.init({ instrument: false, autoStartSession: false });
  // BENCH_FETCH=in-process answers the calls without a socket (spans still go to the stub): the
  // absolute cost the instrumentation adds, without the noise of the network path.
  let client = await provider.makeClient(base, process.env.BENCH_FETCH === 'in-process');
  let flush = async () => {};
  if (side === 'hand') {
    // The floor: the raw SDK (the OpenTelemetry line agentops itself uses, from bench/package.json)
    // with the stock BatchSpanProcessor and OTLP/protobuf exporter.
    const require = createRequire(new URL('./package.json', import.meta.url));
    const api = require('@opentelemetry/api');
    const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
    const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${base}/v1/traces` }) })] });
    client = provider.handWrap(client, { api, tracer: tracerProvider.getTracer('hand') });
    flush = () => tracerProvider.forceFlush();
  } else if (side === 'agentops') {
    client = agentops.instrument(client);
    flush = () => agentops.flush(10_000);
  }
  const session = agentops.startSession({ name: 'bench' });
  await session.run(async () => {
    for (let i = 0; i < warmup; i++) await provider.call(client);
  });
  await flush();
  globalThis.gc?.();
  const start = process.cpuUsage();
  await session.run(async () => {
    for (let i = 0; i < calls; i++) await provider.call(client);
  });
  await flush();
  const used = process.cpuUsage(start);
  process.send({ usPerCall: (used.user + used.system) / calls }, () => process.exit(0));
}

/** The loopback provider stub, also the OTLP sink. */
async function serveStub(providerName) {
  const provider = await loadProvider(providerName);
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
        return;
      }
      const answer = provider.respond(req, Buffer.concat(chunks));
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => server.close(() => process.exit(0)));
}
