/**
 * Watches a server process from a thread of its own (so that what the test itself does, such as
 * compressing a large body, cannot delay a probe): polls `GET /healthz` one request at a time and
 * records the slowest answer, and samples the process's resident memory (VmRSS in
 * /proc/<pid>/status, which counts every thread of the process) every 20 ms. A process that
 * passes `killAboveBytes` is killed at once, so that a server that fails a test cannot take the
 * machine's memory with it.
 */
import { Worker } from 'node:worker_threads';

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const http = require('node:http');
const { url, pid, killAboveBytes } = workerData;
let slowestMs = 0, probes = 0, failures = 0, maxRssBytes = 0, stopped = false;
const rss = () => {
  try {
    const m = /VmRSS:\\s+(\\d+) kB/.exec(readFileSync('/proc/' + pid + '/status', 'utf8'));
    if (m) maxRssBytes = Math.max(maxRssBytes, Number(m[1]) * 1024);
    if (maxRssBytes > killAboveBytes) process.kill(pid, 'SIGKILL');
  } catch {}
};
const memory = setInterval(rss, 20);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const probe = () => {
  if (stopped) return;
  const t0 = performance.now();
  const done = (ok) => {
    const ms = performance.now() - t0;
    probes++;
    if (!ok) failures++;
    slowestMs = Math.max(slowestMs, ms);
    setTimeout(probe, 25);
  };
  const req = http.get(url + '/healthz', { agent, timeout: 10000 }, (res) => {
    res.resume();
    res.on('end', () => done(res.statusCode === 200));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => done(false));
};
probe();
parentPort.on('message', (m) => {
  if (m === 'reset') { slowestMs = 0; probes = 0; failures = 0; maxRssBytes = 0; rss(); parentPort.postMessage('reset'); return; }
  if (m === 'read') { rss(); parentPort.postMessage({ slowestMs, probes, failures, maxRssBytes }); return; }
  if (m === 'stop') { stopped = true; clearInterval(memory); agent.destroy(); parentPort.close(); }
});
`;

export interface WatchReport {
  /** The slowest `/healthz` answer since the last reset, in milliseconds. */
  slowestMs: number;
  probes: number;
  /** Probes that failed (no answer, or not 200). */
  failures: number;
  /** The largest resident set size sampled since the last reset. */
  maxRssBytes: number;
}

export class ServerWatch {
  private readonly worker: Worker;

  constructor(url: string, pid: number, killAboveBytes = 2 * 1024 ** 3) {
    this.worker = new Worker(SOURCE, { eval: true, workerData: { url, pid, killAboveBytes } });
  }

  private ask<T>(message: string): Promise<T> {
    return new Promise<T>((resolve) => {
      this.worker.once('message', (m: T) => resolve(m));
      this.worker.postMessage(message);
    });
  }

  /** Starts a new observation window. */
  async reset(): Promise<void> {
    await this.ask('reset');
  }

  read(): Promise<WatchReport> {
    return this.ask<WatchReport>('read');
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    await exited;
  }
}
