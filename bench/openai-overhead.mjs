// CPU cost of the OpenAI instrumentation: sequential chat.completions.create calls against a
// loopback stub with three clients: uninstrumented, wrapped by hand with the raw OpenTelemetry SDK
// (the floor for any OpenTelemetry-based instrumentation), and patched with agentops.instrument().
// Each side runs in its own process, inside an agentops session; CPU time is process.cpuUsage()
// (user + system) over the calls and the flush that encodes and exports their spans (OTLP/protobuf
// to a sink in the stub process). The stub runs in a forked process so its CPU time is not counted.
//
//   npm run build && node bench/openai-overhead.mjs [--calls 4000] [--warmup 2000] [--rounds 5] [--fetch stub|in-process]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** A recorded-shape chat completion. */
const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1735689600,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Your order 42 left the warehouse this morning and arrives tomorrow.', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 38, completion_tokens: 15, total_tokens: 53, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
  service_tier: 'default',
  system_fingerprint: 'fp_bench',
});

const SIDES = [
  ['plain', 'uninstrumented'],
  ['hand', 'raw OpenTelemetry by hand'],
  ['agentops', 'agentops.instrument()'],
];

if (process.argv[2] === '--stub') {
  await serveStub();
} else if (process.argv[2] === '--side') {
  await runSide(process.argv[3], process.argv[4]);
} else {
  await main();
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
async function main() {
  const calls = arg('calls', 4000);
  const rounds = arg('rounds', 5);
  const warmup = arg('warmup', 2000);
  const inProcess = process.argv.includes('--fetch') && process.argv[process.argv.indexOf('--fetch') + 1] === 'in-process';

  const stub = fork(fileURLToPath(import.meta.url), ['--stub'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => stub.once('message', (m) => resolve(m.port)));
  const base = `http://127.0.0.1:${port}`;

  const runSideProcess = (side) =>
    new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['--side', side, base], {
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
  const fmt = (x) => x.toFixed(1);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`,
    fetch: inProcess ? 'in-process' : 'stub',
    callsPerProcess: calls,
    warmup,
    rounds,
    sides: SIDES.map(([, name], k) => ({ name, medianUsPerCall: Number(fmt(median(perSide[k]))), ...(k > 0 ? { ratio: ratio(k) } : {}) })),
  };
  console.log(`Instrumented OpenAI call: CPU time per chat.completions.create (${calls} calls per process after ${warmup} warm-up calls; ${rounds} rounds of one process per side; fetch: ${result.fetch})`);
  console.log(`  machine: ${result.machine}`);
  result.sides.forEach((s, k) => {
    const q = s.ratio;
    const r = k > 0 ? ` ratio ${q.median}x median of rounds (min ${q.min}x, max ${q.max}x), ${q.total}x of total CPU` : '';
    console.log(`  ${s.name.padEnd(26)} ${fmt(s.medianUsPerCall).padStart(7)} us/call${r}`);
  });
  console.log(JSON.stringify(result));
}

/** One side: warm up, then time `calls` sequential calls and the flush that exports their spans. */
async function runSide(side, base) {
  const calls = Number(process.env.BENCH_CALLS);
  const warmup = Number(process.env.BENCH_WARMUP);
  // Spans go as OTLP/protobuf over HTTP to the stub process: what a collector or the vendor costs.
  process.env.OTLP_EXPORTER_ENDPOINT = base;
  const agentops = await import('../packages/agentops/dist/index.mjs');
  const { default: OpenAI } = await import('openai');
  // Every side runs inside an agentops session, so the only difference is the client's instrumentation.
  agentops.init({ instrument: false, autoStartSession: false });
  // BENCH_FETCH=in-process answers the calls without a socket (spans still go to the stub): the
  // absolute cost the instrumentation adds, without the noise of the network path.
  const fetchOption =
    process.env.BENCH_FETCH === 'in-process' ? { fetch: async () => new Response(COMPLETION, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_bench' } }) } : {};
  let client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-bench', maxRetries: 0, ...fetchOption });
  let flush = async () => {};
  if (side === 'hand') {
    const hand = await handInstrumented(client, base);
    client = hand.client;
    flush = hand.flush;
  } else if (side === 'agentops') {
    client = agentops.instrument(client);
    flush = () => agentops.flush(10_000);
  }
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
  await session.run(async () => {
    for (let i = 0; i < warmup; i++) await client.chat.completions.create(request);
  });
  await flush();
  globalThis.gc?.();
  const start = process.cpuUsage();
  await session.run(async () => {
    for (let i = 0; i < calls; i++) await client.chat.completions.create(request);
  });
  await flush();
  const used = process.cpuUsage(start);
  process.send({ usPerCall: (used.user + used.system) / calls }, () => process.exit(0));
}

/**
 * The floor any OpenTelemetry-based instrumentation stands on: the raw SDK (the versions agentops
 * itself uses) with the stock BatchSpanProcessor and OTLP/protobuf exporter, and a wrapper written
 * by hand that makes the same LLM span (GenAI attributes, the messages as JSON) around each call.
 */
async function handInstrumented(openai, base) {
  const { createRequire } = await import('node:module');
  const require = createRequire(new URL('./package.json', import.meta.url));
  const api = require('@opentelemetry/api');
  const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${base}/v1/traces` }) })] });
  const tracer = provider.getTracer('hand');
  const completions = openai.chat.completions;
  const create = completions.create.bind(completions);
  const wrapped = async (body, options) => {
    const span = tracer.startSpan(`chat ${body.model}`, { kind: api.SpanKind.CLIENT }, api.context.active());
    span.setAttribute('gen_ai.operation.name', 'chat');
    span.setAttribute('gen_ai.provider.name', 'openai');
    span.setAttribute('gen_ai.request.model', body.model);
    if (body.temperature !== undefined) span.setAttribute('gen_ai.request.temperature', body.temperature);
    if (body.max_tokens !== undefined) span.setAttribute('gen_ai.request.max_tokens', body.max_tokens);
    span.setAttribute('gen_ai.input.messages', JSON.stringify(body.messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] }))));
    try {
      const res = await api.context.with(api.trace.setSpan(api.context.active(), span), () => create(body, options));
      span.setAttribute('gen_ai.response.id', res.id);
      span.setAttribute('gen_ai.response.model', res.model);
      span.setAttribute('gen_ai.response.finish_reasons', res.choices.map((c) => c.finish_reason));
      span.setAttribute('gen_ai.usage.input_tokens', res.usage.prompt_tokens);
      span.setAttribute('gen_ai.usage.output_tokens', res.usage.completion_tokens);
      span.setAttribute('gen_ai.output.messages', JSON.stringify(res.choices.map((c) => ({ role: 'assistant', parts: [{ type: 'text', content: c.message.content }], finish_reason: c.finish_reason }))));
      return res;
    } catch (err) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  };
  return {
    client: { chat: { completions: { create: wrapped } } },
    flush: () => provider.forceFlush(),
    close: () => provider.shutdown(),
  };
}

/** The loopback OpenAI stub, also the OTLP sink: a recorded-shape chat completion for every call. */
async function serveStub() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench' });
      res.end(COMPLETION);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => server.close(() => process.exit(0)));
}
