/**
 * Acceptance (the dashboard, in real headless Chromium against the real server and database):
 * five sessions sent over OTLP/JSON, four spread over four hours and one before them, with LLM
 * calls of three models (one named like markup), tool calls of two tools (one named like markup)
 * some failing, and each end state. For those four hours in 1 h buckets:
 * - the charts hold exactly the figures /api/dashboard computes for the same range and bucket,
 *   and those are the figures the spans sent add up to (read from the chart instances, not pixels);
 * - clicking a point lists exactly the sessions behind it, as /api/dashboard/sessions does;
 * - model and tool names that look like markup are shown as text;
 * - the range and bucket are in the URL: a reload shows the same view.
 * With UPDATE_SCREENSHOTS=1 the screenshot is written to docs/img/dashboard.png.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { LocalServer } from '../src';
import { launchBrowser, openPage, type Browser } from './helpers/browser';
import { useServer } from './helpers/test-server';

const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 0, 5, 10); // the range: BASE to BASE + 4 h
const HOSTILE_MODEL = '<img src=x onerror="window.__owned=1">';
const HOSTILE_TOOL = '<b id="owned">refund</b>';

type Value = { stringValue: string } | { intValue: string } | { doubleValue: number };
const str = (s: string): Value => ({ stringValue: s });
const ns = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;

interface Call {
  /** Minutes after the session's start. */
  at: number;
  ms: number;
  model?: string;
  input?: number;
  output?: number;
  cost?: number;
  tool?: string;
  failed?: boolean;
}

interface SessionSpec {
  trace: string;
  name: string;
  startMs: number;
  endState: string;
  calls: Call[];
}

const trace = (n: number): string => `d0${n}`.padEnd(32, '0');
const SESSIONS: SessionSpec[] = [
  {
    trace: trace(1),
    name: 'alpha',
    startMs: BASE + 5 * 60_000,
    endState: 'Success',
    calls: [
      { at: 1, ms: 800, model: 'gpt-4o', input: 100, output: 20, cost: 0.0001 },
      { at: 2, ms: 300, model: HOSTILE_MODEL, input: 50, output: 5, cost: 0.00002 },
      { at: 3, ms: 40, tool: 'search' },
    ],
  },
  {
    trace: trace(2),
    name: 'beta',
    startMs: BASE + 20 * 60_000,
    endState: 'Fail',
    calls: [
      { at: 1, ms: 1200, model: 'gpt-4o', input: 200, output: 40, cost: 0.0002 },
      { at: 2, ms: 600, model: 'gpt-4o', input: 7, output: 3, cost: 0.00013305 },
      { at: 3, ms: 50, tool: 'search', failed: true },
      { at: 4, ms: 70, tool: HOSTILE_TOOL },
    ],
  },
  {
    trace: trace(3),
    name: 'gamma',
    startMs: BASE + 2 * HOUR + 10 * 60_000,
    endState: 'Indeterminate',
    calls: [
      { at: 1, ms: 2000, model: 'claude-sonnet-4', input: 300, output: 60, cost: 0.0003 },
      { at: 2, ms: 90, tool: HOSTILE_TOOL, failed: true },
      { at: 3, ms: 30, tool: 'search' },
    ],
  },
  {
    trace: trace(4),
    name: 'delta',
    startMs: BASE + 3 * HOUR + 30 * 60_000,
    endState: 'Success',
    calls: [
      { at: 1, ms: 100, model: 'gpt-4o', input: 10, output: 1, cost: 0.00000735 },
      { at: 2, ms: 20, tool: 'search' },
    ],
  },
  // Before the range: in no figure.
  { trace: trace(5), name: 'before', startMs: BASE - HOUR, endState: 'Fail', calls: [{ at: 1, ms: 500, model: 'gpt-4o', input: 999, output: 99, cost: 0.5 }, { at: 2, ms: 5, tool: 'search', failed: true }] },
];

function otlpSpans(s: SessionSpec): Array<Record<string, unknown>> {
  const rootId = `${s.trace.slice(0, 3)}0000000000001`;
  const last = Math.max(...s.calls.map((c) => c.at)) + 1;
  const root = {
    traceId: s.trace,
    spanId: rootId,
    name: s.name,
    kind: 1,
    startTimeUnixNano: ns(s.startMs),
    endTimeUnixNano: ns(s.startMs + last * 60_000),
    attributes: [
      { key: 'agentops.span.kind', value: str('session') },
      { key: 'agentops.session.end_state', value: str(s.endState) },
    ],
  };
  const children = s.calls.map((c, i) => {
    const start = s.startMs + c.at * 60_000;
    const attrs: Record<string, Value> = c.model
      ? {
          'gen_ai.operation.name': str('chat'),
          'gen_ai.request.model': str(c.model),
          'gen_ai.usage.input_tokens': { intValue: String(c.input) },
          'gen_ai.usage.output_tokens': { intValue: String(c.output) },
          'agentops.llm.cost_usd': { doubleValue: c.cost! },
        }
      : { 'gen_ai.operation.name': str('execute_tool'), 'gen_ai.tool.name': str(c.tool!) };
    return {
      traceId: s.trace,
      spanId: `${s.trace.slice(0, 3)}00000000001${i}`.padEnd(16, '0'),
      parentSpanId: rootId,
      name: c.model ? `chat ${c.model}` : `execute_tool ${c.tool}`,
      kind: c.model ? 3 : 1,
      startTimeUnixNano: ns(start),
      endTimeUnixNano: ns(start + c.ms),
      attributes: Object.entries(attrs).map(([key, value]) => ({ key, value })),
      status: c.failed ? { code: 2, message: 'tool failed' } : { code: 0 },
    };
  });
  return [root, ...children];
}

interface ChartRead {
  labels: string[];
  data: Array<Array<number | null>>;
}

interface DashboardAnswer {
  buckets: number[];
  bucketMs: number;
  models: Array<{ model: string | null; inputTokens: number[]; outputTokens: number[]; costUsd: number[]; latencyP50Ms: Array<number | null>; latencyP95Ms: Array<number | null>; totals: Record<string, number> }>;
  tools: Array<{ tool: string; calls: number[]; errors: number[]; errorRate: Array<number | null> }>;
  endStates: Array<{ endState: string; sessions: number[] }>;
  totals: Record<string, number>;
}

describe('dashboard (Chromium)', () => {
  const current = useServer();
  let server: LocalServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const range = `from=${BASE}&to=${BASE + 4 * HOUR}`;
  const pageUrl = () => `${server.url}/dashboard?range=custom&${range}&bucket=1h`;

  const rest = async <T>(url: string): Promise<T> => {
    const res = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  const readChart = (id: string): Promise<ChartRead> =>
    page.evaluate((chartId) => {
      const u = (globalThis as unknown as { __dashboardCharts: Record<string, { data: Array<Array<number | null>>; series: Array<{ label: string }> }> }).__dashboardCharts[chartId]!;
      return { labels: u.series.slice(1).map((s) => s.label), data: u.data.slice(1).map((d) => Array.from(d)) };
    }, id);

  /** Clicks the drawn point of series `label`, bucket `idx`, of chart `id`, where the user would. */
  async function clickPoint(id: string, label: string, idx: number): Promise<void> {
    const at = await page.evaluate(
      ({ chartId, seriesLabel, i }) => {
        type Over = { scrollIntoView(o: { block: string }): void; getBoundingClientRect(): { left: number; top: number } };
        type U = { data: number[][]; series: Array<{ label: string }>; over: Over; valToPos(v: number, scale: string): number };
        const u = (globalThis as unknown as { __dashboardCharts: Record<string, U> }).__dashboardCharts[chartId]!;
        const s = u.series.findIndex((x) => x.label === seriesLabel);
        u.over.scrollIntoView({ block: 'center' });
        const box = u.over.getBoundingClientRect();
        return { x: box.left + u.valToPos(u.data[0]![i]!, 'x'), y: box.top + u.valToPos(u.data[s]![i]!, 'y') };
      },
      { chartId: id, seriesLabel: label, i: idx },
    );
    await page.mouse.click(at.x, at.y);
  }

  /** Waits until the sessions behind the point whose title holds `text` are listed. */
  const pointShown = (text: string): Promise<void> => page.locator('#dash-point:has(#dash-sessions) #dash-point-title').filter({ hasText: text }).waitFor();

  const listed = async (): Promise<string[]> => (await page.locator('#dash-sessions tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id')!))).sort();

  beforeAll(async () => {
    server = current();
    const spans = SESSIONS.flatMap(otlpSpans);
    const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str('dash-test') }] }, scopeSpans: [{ scope: { name: 'dash' }, spans }] }] });
    const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    browser = await launchBrowser();
    page = await openPage(browser, `${pageUrl()}#key=${encodeURIComponent(server.apiKey)}`, errors);
    await page.locator('#chart-sessions .u-legend').waitFor();
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
  });

  it('answers the REST API with the figures the spans add up to', async () => {
    const d = await rest<DashboardAnswer>(`/api/dashboard?${range}&bucket=1h`);
    expect(d.buckets).toEqual([BASE, BASE + HOUR, BASE + 2 * HOUR, BASE + 3 * HOUR]);
    const byModel = Object.fromEntries(d.models.map((m) => [m.model, m]));
    expect(byModel['gpt-4o']).toMatchObject({ inputTokens: [307, 0, 0, 10], outputTokens: [63, 0, 0, 1], costUsd: [0.00043305, 0, 0, 0.00000735], latencyP50Ms: [800, null, null, 100], latencyP95Ms: [1200, null, null, 100] });
    expect(byModel['gpt-4o']!.totals).toEqual({ calls: 4, inputTokens: 317, outputTokens: 64, costUsd: 0.0004404 });
    expect(byModel[HOSTILE_MODEL]).toMatchObject({ inputTokens: [50, 0, 0, 0], costUsd: [0.00002, 0, 0, 0], latencyP50Ms: [300, null, null, null] });
    expect(byModel['claude-sonnet-4']).toMatchObject({ inputTokens: [0, 0, 300, 0], outputTokens: [0, 0, 60, 0], costUsd: [0, 0, 0.0003, 0], latencyP95Ms: [null, null, 2000, null] });
    const byTool = Object.fromEntries(d.tools.map((t) => [t.tool, t]));
    expect(byTool['search']).toMatchObject({ calls: [2, 0, 1, 1], errors: [1, 0, 0, 0], errorRate: [0.5, null, 0, 0] });
    expect(byTool[HOSTILE_TOOL]).toMatchObject({ calls: [1, 0, 1, 0], errors: [0, 0, 1, 0], errorRate: [0, null, 1, null] });
    expect(Object.fromEntries(d.endStates.map((s) => [s.endState, s.sessions]))).toEqual({ Success: [1, 0, 0, 1], Fail: [1, 0, 0, 0], Indeterminate: [0, 0, 1, 0] });
    expect(d.totals).toEqual({ llmCalls: 6, inputTokens: 667, outputTokens: 129, costUsd: 0.0007604, toolCalls: 6, toolErrors: 2, sessions: 4 });
  });

  it('draws exactly the figures of the REST API', async () => {
    const d = await rest<DashboardAnswer>(`/api/dashboard?${range}&bucket=1h`);
    const models = d.models.map((m) => m.model);
    expect(await page.evaluate(() => (globalThis as unknown as { __dashboardData: unknown }).__dashboardData)).toEqual(d);

    const tokens = await readChart('tokens');
    expect(tokens.labels).toEqual(models);
    expect(tokens.data).toEqual(d.models.map((m) => m.inputTokens.map((v, i) => v + m.outputTokens[i]!)));
    expect(tokens.data[tokens.labels.indexOf('gpt-4o')]).toEqual([370, 0, 0, 11]);

    const cost = await readChart('cost');
    expect(cost.labels).toEqual(models);
    expect(cost.data).toEqual(d.models.map((m) => m.costUsd));
    expect(cost.data[cost.labels.indexOf('gpt-4o')]).toEqual([0.00043305, 0, 0, 0.00000735]);

    const latency = await readChart('latency');
    expect(latency.labels).toEqual(models.flatMap((m) => [`${m} p50`, `${m} p95`]));
    expect(latency.data).toEqual(d.models.flatMap((m) => [m.latencyP50Ms, m.latencyP95Ms]));

    const toolErrors = await readChart('tool-errors');
    expect(toolErrors.labels).toEqual(d.tools.map((t) => t.tool));
    expect(toolErrors.data).toEqual(d.tools.map((t) => t.errorRate));
    expect(toolErrors.data[toolErrors.labels.indexOf('search')]).toEqual([0.5, null, 0, 0]);
    expect((await readChart('tool-calls')).data).toEqual(d.tools.map((t) => t.calls));

    const sessions = await readChart('sessions');
    expect(sessions.labels).toEqual(d.endStates.map((s) => s.endState));
    expect(sessions.data).toEqual(d.endStates.map((s) => s.sessions));

    expect(await page.locator('#dash-total-cost b').innerText()).toBe('$0.00076 USD');
    expect(await page.locator('#dash-total-tokens b').innerText()).toBe('667 / 129');
    expect(await page.locator('#dash-total-tool-errors b').innerText()).toBe('2');
  });

  it('lists the sessions behind a clicked point, as the REST API does', async () => {
    const behind = async (q: string): Promise<string[]> =>
      (await rest<{ sessions: Array<{ traceId: string }> }>(`/api/dashboard/sessions?${q}`)).sessions.map((s) => s.traceId).sort();
    const hour = (i: number) => `from=${BASE + i * HOUR}&to=${BASE + (i + 1) * HOUR}`;

    await clickPoint('tokens', 'gpt-4o', 0);
    await pointShown('gpt-4o');
    expect(await listed()).toEqual([trace(1), trace(2)]);
    expect(await behind(`${hour(0)}&model=gpt-4o`)).toEqual([trace(1), trace(2)]);
    // What each session put into that point: beta's two calls of gpt-4o.
    expect(await page.locator(`#dash-sessions tr[data-trace-id="${trace(2)}"] td`).allInnerTexts()).toEqual(expect.arrayContaining(['2', '207 / 43']));
    await screenshot('dashboard.png');

    await clickPoint('tool-errors', 'search', 0);
    await pointShown('error rate');
    expect(await listed()).toEqual([trace(2)]);
    expect(await behind(`${hour(0)}&tool=search&errors=true`)).toEqual([trace(2)]);

    await clickPoint('sessions', 'Success', 3);
    await pointShown('Success');
    expect(await listed()).toEqual([trace(4)]);
    expect(await behind(`${hour(3)}&end_state=Success`)).toEqual([trace(4)]);

    await clickPoint('cost', HOSTILE_MODEL, 0);
    await pointShown(HOSTILE_MODEL);
    expect(await listed()).toEqual([trace(1)]);

    // A row opens its session.
    await page.locator(`#dash-sessions tr[data-trace-id="${trace(1)}"] a`).click();
    await page.locator('.session-head h1').filter({ hasText: 'alpha' }).waitFor();
    await page.goBack();
    await page.locator('#chart-sessions .u-legend').waitFor();
  });

  it('shows names that look like markup as text', async () => {
    expect(await page.locator('#chart-cost .u-legend').innerText()).toContain(HOSTILE_MODEL);
    expect(await page.locator('#chart-tool-calls .u-legend').innerText()).toContain(HOSTILE_TOOL);
    await clickPoint('tool-calls', HOSTILE_TOOL, 0);
    await pointShown(HOSTILE_TOOL);
    expect(await listed()).toEqual([trace(2)]);
    type Doc = { querySelectorAll(s: string): { length: number }; getElementById(id: string): unknown };
    const seen = await page.evaluate(() => {
      const w = globalThis as unknown as { document: Doc; __owned?: number };
      return { imgs: w.document.querySelectorAll('main img').length, owned: w.document.getElementById('owned'), flag: w.__owned ?? null };
    });
    expect(seen).toEqual({
      imgs: 0,
      owned: null,
      flag: null,
    });
  });

  it('keeps the range and bucket in the URL: a reload shows the same view', async () => {
    await page.reload();
    await page.locator('#chart-sessions .u-legend').waitFor();
    expect(await page.locator('#dash-range').inputValue()).toBe('custom');
    expect(await page.locator('#dash-bucket').inputValue()).toBe('1h');
    expect((await readChart('tokens')).data[0]).toHaveLength(4);
    // Another bucket, picked in the page, goes into the URL.
    await page.locator('#dash-bucket').selectOption('15m');
    await page.locator('#dash-filters button[type=submit]').click();
    await page.waitForURL(/bucket=15m/);
    // The charts are drawn in the same task as this line, once the new answer is in.
    await page.locator('#dash-range-text').filter({ hasText: '16 buckets of 15m' }).waitFor();
    expect((await readChart('sessions')).data[0]).toHaveLength(16);
  });

  it('says why the server refused a hand-edited URL, and keeps the pickers', async () => {
    const ownErrors: string[] = [];
    const other = await openPage(browser, `${server.url}/dashboard?range=custom&${range}&bucket=7x#key=${encodeURIComponent(server.apiKey)}`, ownErrors);
    try {
      await other.locator('#dash-range-text.error-text').filter({ hasText: 'bucket must be auto or a length' }).waitFor();
      expect(await other.locator('#dash-bucket').inputValue()).toBe('7x');
      expect(await other.locator('#dash-filters').isVisible()).toBe(true);
      // The browser reports the refused request itself; nothing else went wrong.
      expect(ownErrors).toEqual([expect.stringContaining('status of 400')]);
    } finally {
      await other.close();
    }
  });

  it('answers a bad range or bucket with 400 naming the parameter', async () => {
    const status = async (q: string): Promise<{ status: number; error: string }> => {
      const res = await fetch(`${server.url}/api/dashboard${q}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
      return { status: res.status, error: ((await res.json()) as { error: string }).error };
    };
    expect(await status(`?${range}&bucket=7x`)).toEqual({ status: 400, error: expect.stringMatching(/^bucket must be .*got "7x"$/) });
    expect(await status(`?${range}&bucket=1s`)).toEqual({ status: 400, error: expect.stringContaining('bucket 1s cuts this range into 14400 buckets, more than the 1000 allowed') });
    expect(await status(`?from=${BASE}&to=${BASE}`)).toEqual({ status: 400, error: expect.stringContaining('from must be before to') });
    expect(await status('?from=yesterday')).toEqual({ status: 400, error: expect.stringContaining('from must be epoch milliseconds or an ISO 8601 date') });
    expect(await status(`/sessions?${range}&end_state=Done`)).toEqual({ status: 400, error: expect.stringContaining('end_state must be one of Success, Fail, Indeterminate, running, none; got "Done"') });
    expect(await status(`/sessions?${range}&errors=true`)).toEqual({ status: 400, error: expect.stringContaining('errors needs tool') });
  });

  it('raised no script error', () => {
    expect(errors).toEqual([]);
  });

  async function screenshot(name: string): Promise<void> {
    const png = await page.screenshot({ fullPage: true });
    expect(png.length).toBeGreaterThan(10_000);
    if (process.env.UPDATE_SCREENSHOTS === '1') writeFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'img', name), png);
  }
});
