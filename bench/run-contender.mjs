// One measured run of one contender, in a fresh process.
// argv: contender, n, baseUrl, content (on|off), destinations, mode (cpu|rss), metrics (on|off)
//
// 1. A warm-up session of WARM LLM events (and WARM/2 tool events) is recorded and flushed; the
//    parent confirms the sink holds all its spans before anything is measured.
// 2. The measured session of n LLM events and n/2 tool events, then shutdown(). CPU figures are
//    process CPU (user + system, all threads): inside the recording chunks, and from the first
//    event until shutdown() returns (recording, batching, encoding, export).
import * as W from './workload.mjs';

const [name, nArg, baseUrl, contentArg, destArg, mode = 'cpu', metricsArg = 'on'] = process.argv.slice(2);
const n = Number(nArg);
const WARM = Number(process.env.BENCH_WARM ?? 6000);

const contender = await (await import(`./contenders/${name}.mjs`)).setup({
  baseUrl,
  content: contentArg !== 'off',
  destinations: Number(destArg ?? 1),
  metrics: metricsArg !== 'off',
});

await contender.session(() => W.runLoop(WARM, contender.llm, contender.tool));
await contender.flush();
const go = new Promise((resolve) => process.once('message', resolve));
process.send({ type: 'warm', expectedSpans: W.spansFor(WARM) });
await go;

const gc = globalThis.gc;
const rssMb = () => {
  gc?.();
  return process.memoryUsage().rss / 1048576;
};
let chunkCpuUs = 0;
let rssAfterWarmMb = 0;
const cpu0 = process.cpuUsage();
await contender.session(async () => {
  chunkCpuUs = await W.runLoop(
    n,
    contender.llm,
    contender.tool,
    // Growth over a long session: RSS after the first 100,000 LLM events, then at the end.
    mode === 'rss' ? async (done) => void (done === 100_000 && (rssAfterWarmMb = rssMb())) : undefined,
  );
});
const rssEndMb = mode === 'rss' ? rssMb() : 0;
await contender.close();
const total = process.cpuUsage(cpu0);
process.send({
  type: 'done',
  chunkCpuUs,
  totalCpuUs: total.user + total.system,
  events: n + Math.floor(n / 2),
  expectedSpans: W.spansFor(WARM) + W.spansFor(n),
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  rssAfterWarmMb,
  rssEndMb,
});
process.once('message', () => process.exit(0));
