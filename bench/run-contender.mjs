// One measured run of one contender, in a fresh process.
// argv: contender, n, baseUrl, content (on|off), destinations, mode (cpu|rss)
import * as W from './workload.mjs';

const [name, nArg, baseUrl, contentArg, destArg, mode = 'cpu'] = process.argv.slice(2);
const n = Number(nArg);
const content = contentArg !== 'off';
const destinations = Number(destArg ?? 1);

const contender = await (await import(`./contenders/${name}.mjs`)).setup({ baseUrl, content, destinations });
const WARM = 1000;

// Warm-up (JIT, connections) in its own session; its spans are counted by the sink too.
await contender.session(() => W.runLoop(WARM, contender.llm, contender.tool));
await contender.flush();

let cpuUs = 0;
let rssAfterWarmMb = 0;
let rssEndMb = 0;
const gc = globalThis.gc;
const rssMb = () => {
  gc?.();
  return process.memoryUsage().rss / 1048576;
};
const t0 = Date.now();
if (mode === 'rss') {
  // Growth over a long session: RSS after the first 100,000 events, then at the end.
  await contender.session(async () => {
    cpuUs = await W.runLoop(n, contender.llm, contender.tool, async (done) => {
      if (done === 100_000) rssAfterWarmMb = rssMb();
    });
  });
  rssEndMb = rssMb();
} else {
  await contender.session(async () => {
    cpuUs = await W.runLoop(n, contender.llm, contender.tool);
  });
}
await contender.flush();
const flushedAt = Date.now();
process.send({
  cpuUs,
  events: n + Math.floor(n / 2),
  t0,
  flushedAt,
  expectedSpans: W.spansFor(WARM) + W.spansFor(n),
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  rssAfterWarmMb,
  rssEndMb,
});
process.once('message', async () => {
  await contender.close();
  process.exit(0);
});
