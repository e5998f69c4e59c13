/**
 * Acceptance (metrics where people chart them): a real Prometheus server, started on a loopback
 * port with a generated config, scrapes (a) an agent process with OTEL_METRICS_EXPORTER=prometheus
 * and (b) `agentops serve` (the built command) at its `/metrics`, with the project's key; queried through Prometheus's HTTP
 * API, both give exactly the input and output tokens, the LLM call counts and the cost, by model,
 * that the agent recorded, and the tool calls.
 *
 * Prometheus is Debian's `prometheus` package (`.ci/run` installs it when missing), or the binary
 * PROMETHEUS_PATH names. Where neither is there and AGENTOPS_REQUIRE_PROMETHEUS is not set (it is
 * in CI), the test is reported as skipped with the reason, so `npm test` runs on a machine with
 * Node and npm alone.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { serve, type ServeProcess } from './helpers/cli-process';
import { tempDb } from './helpers/temp-db';
import { closedPort as freePort } from '../../../testing/otlp-receiver';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'prometheus')).find((p) => existsSync(p));
const required = process.env.AGENTOPS_REQUIRE_PROMETHEUS === '1';
if (PROMETHEUS === undefined && !required) {
  process.stderr.write('prometheus-scrape.test: no Prometheus binary (install Debian\'s prometheus package or set PROMETHEUS_PATH): skipped\n');
}
const describeIf = PROMETHEUS !== undefined || required ? describe : describe.skip;

interface ModelTotals {
  input: number;
  output: number;
  calls: number;
  cost: number;
}

function readLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`agent exited with ${code}: ${err}`)));
  });
}

describeIf('a real Prometheus server scrapes the agent and the local backend', () => {
  const db = tempDb();
  let server: ServeProcess;
  let backendUrl: string;
  let apiKey: string;
  let agent: ChildProcessWithoutNullStreams;
  let prometheus: ChildProcessWithoutNullStreams | undefined;
  let promUrl: string;
  let expected: Record<string, ModelTotals>;
  const dir = mkdtempSync(path.join(tmpdir(), 'agentops-prom-'));
  let promLog = '';

  beforeAll(async () => {
    if (PROMETHEUS === undefined) throw new Error('AGENTOPS_REQUIRE_PROMETHEUS=1 but no Prometheus binary: install Debian\'s prometheus package or set PROMETHEUS_PATH');
    // The backend as a user runs it: `agentops serve`, its key and endpoints read from its banner.
    server = await serve(['--port', '0', '--db', db.file]);
    apiKey = server.env.AGENTOPS_API_KEY!;
    backendUrl = new URL(server.env.AGENTOPS_API_ENDPOINT!).origin;
    const agentPort = await freePort();
    agent = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'metrics-agent.js')], {
      env: {
        ...process.env,
        ...SDK_ENV_CLEAR,
        ...server.env,
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(agentPort),
        OTEL_METRIC_EXPORT_INTERVAL: '500',
      },
    });
    expected = JSON.parse(await readLine(agent)) as Record<string, ModelTotals>;

    const backend = new URL(backendUrl);
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: agent',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${agentPort}']`,
        '  - job_name: backend',
        '    metrics_path: /metrics',
        '    authorization:',
        `      credentials: '${apiKey}'`,
        '    static_configs:',
        `      - targets: ['${backend.host}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(PROMETHEUS, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    prometheus.stderr.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-4000)));
  }, 60_000);

  afterAll(async () => {
    prometheus?.kill();
    agent?.stdin.end();
    if (agent && agent.exitCode === null) await new Promise((r) => agent.once('exit', r));
    await server?.stop();
    db.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Polls a PromQL query until it gives `want` (by model) or 30 s pass; returns the last answer. */
  async function byModel(query: string, want: Record<string, number>, label = 'gen_ai_request_model'): Promise<Record<string, number>> {
    let got: Record<string, number> = {};
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
        if (res.ok) {
          const body = (await res.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
          got = Object.fromEntries(body.data.result.map((r) => [r.metric[label] ?? '', Number(r.value[1])]));
          if (Object.keys(want).length === Object.keys(got).length && Object.entries(want).every(([k, v]) => close(got[k], v))) return got;
        }
      } catch {
        // Prometheus still starting
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${query}: wanted ${JSON.stringify(want)}, Prometheus answered ${JSON.stringify(got)}\n${promLog}`);
  }

  const close = (a: number | undefined, b: number): boolean => a !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  const pick = (f: (m: ModelTotals) => number): Record<string, number> => Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, f(v)]));

  it.each(['agent', 'backend'])('%s: tokens, LLM calls and cost by model, and tool calls, exactly as recorded', async (job) => {
    expect(Object.keys(expected).sort()).toEqual(['claude-sonnet-4-5', 'gpt-5-mini', 'gpt-5.4']);
    const sel = `job="${job}"`;
    expect(await byModel(`sum by (gen_ai_request_model) (gen_ai_client_token_usage_sum{${sel},gen_ai_token_type="input"})`, pick((m) => m.input))).toEqual(pick((m) => m.input));
    expect(await byModel(`sum by (gen_ai_request_model) (gen_ai_client_token_usage_sum{${sel},gen_ai_token_type="output"})`, pick((m) => m.output))).toEqual(pick((m) => m.output));
    expect(await byModel(`sum by (gen_ai_request_model) (gen_ai_client_operation_duration_count{${sel}})`, pick((m) => m.calls))).toEqual(pick((m) => m.calls));
    const cost = await byModel(`sum by (gen_ai_request_model) (agentops_llm_cost_total{${sel}})`, pick((m) => m.cost));
    for (const [model, m] of Object.entries(expected)) {
      expect(m.cost).toBeGreaterThan(0);
      expect(close(cost[model], m.cost)).toBe(true);
    }
    expect(await byModel(`sum by (gen_ai_tool_name) (agentops_tool_calls_total{${sel}})`, { lookup_order: 2 }, 'gen_ai_tool_name')).toEqual({ lookup_order: 2 });
  }, 120_000);

  it('the backend serves /metrics only with a key, and labels every series with the project', async () => {
    expect((await fetch(`${backendUrl}/metrics`)).status).toBe(401);
    const res = await fetch(`${backendUrl}/metrics`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(0);
    for (const l of samples) expect(l).toContain('project="');
  });
});
