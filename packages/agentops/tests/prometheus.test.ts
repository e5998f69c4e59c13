/**
 * Prometheus from the SDK: `metrics.prometheus` and `OTEL_METRICS_EXPORTER=prometheus` serve the
 * built-in GenAI metrics and the Meter facade's in the Prometheus text format, through
 * @opentelemetry/exporter-prometheus; a port in use is reported once and the agent goes on.
 * (A real Prometheus server scraping it: tests/prometheus-scrape.test.ts.)
 */
import { createServer, type Server } from 'node:net';
import * as agentops from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { CaptureLogger } from '../../../testing/capture-logger';
import { TEST_PRICES } from './helpers/test-prices';
import { closedPort as freePort } from '../../../testing/otlp-receiver';

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of the first sample whose name and labels match. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

let restoreEnv: () => void;
beforeEach(() => {
  restoreEnv = setEnv(SDK_ENV_CLEAR);
});
afterEach(async () => {
  await agentops.shutdown(1000);
  restoreEnv();
});

async function recordCalls(): Promise<void> {
  const session = agentops.startSession({ name: 'prometheus' });
  await session.run(async () => {
    agentops.record(new agentops.LLMEvent({ model: 'gpt-4o', provider: 'openai', promptTokens: 100, completionTokens: 20 }));
    agentops.record(new agentops.LLMEvent({ model: 'gpt-4o', provider: 'openai', promptTokens: 50, completionTokens: 5 }));
    agentops.record(new agentops.ToolEvent({ name: 'lookup' }));
    agentops.meter.recordCounter('orders.refunded', 3, { region: 'eu' });
  });
  session.end('Success');
}

it('metrics.prometheus serves token usage, cost, tool calls and the Meter facade at /metrics', async () => {
  const port = await freePort();
  agentops.init({ autoStartSession: false, logLevel: 'silent', logSessionUrl: false, pricing: { ...TEST_PRICES }, metrics: { prometheus: { port, host: '127.0.0.1' } } });
  await recordCalls();
  const text = await scrape(port);
  expect(sample(text, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'input', gen_ai_request_model: 'gpt-4o' })).toBe(150);
  expect(sample(text, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'output', gen_ai_request_model: 'gpt-4o' })).toBe(25);
  expect(sample(text, 'gen_ai_client_token_usage_count', { gen_ai_token_type: 'input', gen_ai_request_model: 'gpt-4o' })).toBe(2);
  // gpt-4o is priced (at the test price): 150 input and 25 output tokens.
  expect(sample(text, 'agentops_llm_cost_total', { gen_ai_request_model: 'gpt-4o' })).toBeGreaterThan(0);
  expect(sample(text, 'agentops_tool_calls_total', { gen_ai_tool_name: 'lookup' })).toBe(1);
  expect(sample(text, 'orders_refunded_total', { region: 'eu' })).toBe(3);
});

it('OTEL_METRICS_EXPORTER=prometheus with OTEL_EXPORTER_PROMETHEUS_HOST / _PORT, beside otlp in a list', async () => {
  const port = await freePort();
  const restore = setEnv({ OTEL_METRICS_EXPORTER: 'otlp,prometheus', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:9/v1/metrics' });
  try {
    const sink = new CaptureLogger();
    agentops.init({ autoStartSession: false, logLevel: 'warn', logger: sink, logSessionUrl: false });
    await recordCalls();
    const text = await scrape(port);
    expect(sample(text, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'input', gen_ai_request_model: 'gpt-4o' })).toBe(150);
    expect(sink.lines.filter((l) => l.message.includes('OTEL_METRICS_EXPORTER'))).toEqual([]);
  } finally {
    restore();
  }
});

it('a port in use is reported once, naming it; recording and the other destinations go on', async () => {
  const taken: Server = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const sink = new CaptureLogger();
    agentops.init({ autoStartSession: false, logLevel: 'warn', logger: sink, logSessionUrl: false, metrics: { prometheus: { port, host: '127.0.0.1' } } });
    await recordCalls();
    for (let i = 0; i < 50 && !sink.lines.some((l) => l.message.includes('Prometheus')); i++) await new Promise((r) => setTimeout(r, 20));
    const lines = sink.lines.filter((l) => l.message.includes('Prometheus'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toContain(`127.0.0.1:${port}`);
    expect(lines[0]!.message).toContain('EADDRINUSE');
    expect(await agentops.flush(2000)).toBe(true);
  } finally {
    await new Promise((r) => taken.close(r));
  }
});

it('rejects a bad metrics.prometheus value with a clear error', () => {
  expect(() => agentops.init({ logLevel: 'silent', metrics: { prometheus: { port: 70000 } } })).toThrow(/metrics\.prometheus\.port/);
  expect(() => agentops.init({ logLevel: 'silent', metrics: { prometheus: 'yes' as unknown as boolean } })).toThrow(/metrics\.prometheus/);
});
