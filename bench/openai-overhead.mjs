// CPU cost of the OpenAI instrumentation: N sequential chat.completions.create calls against a
// loopback stub, with an uninstrumented client and an instrumented one, in the same process and
// the same agentops session, in interleaved runs. Each run is measured with process.cpuUsage()
// (user + system) and includes a flush, so the instrumented runs pay for encoding and exporting
// their spans (OTLP/protobuf to a sink in the stub process). The stub runs in a forked process so
// its CPU time is not counted.
//
//   npm run build && node --expose-gc bench/openai-overhead.mjs [--calls 400] [--runs 15] [--warmups 4] [--sink otlp|memory]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--stub') {
  await serveStub();
} else {
  await main();
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const calls = arg('calls', 400);
  const runs = arg('runs', 15);
  const warmups = arg('warmups', 4);

  const sinkKind = process.argv.includes('--sink') ? process.argv[process.argv.indexOf('--sink') + 1] : 'otlp';
  const stub = fork(fileURLToPath(import.meta.url), ['--stub'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => stub.once('message', (m) => resolve(m.port)));
  const base = `http://127.0.0.1:${port}`;

  const agentops = await import('../dist/index.mjs');
  const { default: OpenAI } = await import('openai');
  // The sink: OTLP/protobuf over HTTP to the stub process (what a collector or the vendor costs), or
  // an in-memory exporter (the cost of recording alone, without encoding and sending).
  let exporters = [];
  if (sinkKind === 'memory') {
    const { InMemorySpanExporter } = await import('@opentelemetry/sdk-trace-base');
    const memory = new InMemorySpanExporter();
    // Dropping what it holds keeps memory flat across runs without costing the measured calls anything.
    setInterval(() => memory.reset(), 1000).unref();
    exporters = [memory];
  } else {
    process.env.OTLP_EXPORTER_ENDPOINT = base;
  }
  // Only the instrumented client is patched (instance patch), so both share the same class and process.
  agentops.init({ instrument: false, autoStartSession: false, logLevel: 'error', exporters });
  const plain = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-bench', maxRetries: 0 });
  const instrumented = agentops.instrument(new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-bench', maxRetries: 0 }));
  const session = agentops.startSession({ name: 'bench' });

  const request = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a helpful assistant that answers briefly.' },
      { role: 'user', content: 'Where is my order 42? It was supposed to arrive yesterday.' },
    ],
    temperature: 0.2,
    max_tokens: 128,
  };

  async function measure(client) {
    // Each run starts from a collected heap, so one run does not pay for the previous run's garbage.
    globalThis.gc?.();
    const start = process.cpuUsage();
    await session.run(async () => {
      for (let i = 0; i < calls; i++) await client.chat.completions.create(request);
    });
    await agentops.flush(10_000);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / calls; // microseconds per call
  }

  for (let i = 0; i < warmups; i++) {
    await measure(plain);
    await measure(instrumented);
  }
  const plainRuns = [];
  const instrumentedRuns = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so drift (GC, JIT, CPU frequency) does not favour one side.
    const [a, b] = i % 2 === 0 ? [plain, instrumented] : [instrumented, plain];
    const first = await measure(a);
    const second = await measure(b);
    const p = a === plain ? first : second;
    const q = a === plain ? second : first;
    plainRuns.push(p);
    instrumentedRuns.push(q);
    ratios.push(q / p);
  }
  session.end('Success');
  await agentops.shutdown(5000);
  stub.kill();

  const median = (xs) => {
    const s = [...xs].sort((x, y) => x - y);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const fmt = (x) => x.toFixed(1);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`,
    calls,
    runs,
    sink: sinkKind,
    plainMedianUs: Number(fmt(median(plainRuns))),
    instrumentedMedianUs: Number(fmt(median(instrumentedRuns))),
    ratioMedian: Number(median(ratios).toFixed(3)),
    ratioMin: Number(Math.min(...ratios).toFixed(3)),
    ratioMax: Number(Math.max(...ratios).toFixed(3)),
  };
  console.log(`Instrumented OpenAI call: CPU time per chat.completions.create (${calls} calls x ${runs} interleaved runs each, sink: ${sinkKind})`);
  console.log(`  machine:       ${result.machine}`);
  console.log(`  uninstrumented ${fmt(median(plainRuns))} us/call (runs: ${plainRuns.map(fmt).join(', ')})`);
  console.log(`  instrumented   ${fmt(median(instrumentedRuns))} us/call (runs: ${instrumentedRuns.map(fmt).join(', ')})`);
  console.log(`  ratio          ${result.ratioMedian}x median (min ${result.ratioMin}x, max ${result.ratioMax}x)`);
  console.log(JSON.stringify(result));
}

/** The loopback OpenAI stub, also the OTLP sink: a recorded-shape chat completion for every call. */
async function serveStub() {
  const completion = JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1735689600,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Your order 42 left the warehouse this morning and arrives tomorrow.', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 38, completion_tokens: 15, total_tokens: 53, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench' });
      res.end(completion);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => server.close(() => process.exit(0)));
}
