/**
 * Acceptance (viewer, in real headless Chromium): the list shows the demo's session; clicking it
 * shows the waterfall with every span; clicking the LLM span shows its prompt and token counts;
 * the failed tool span is marked as an error with its exception; a running session refreshes
 * until its root span arrives. A session link
 * (`{appUrl}/sessions?trace_id=...`) opened without a key asks for one, then opens that session.
 * With UPDATE_SCREENSHOTS=1 the screenshots of both pages are written to docs/img/.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runDemo, type DemoResult } from '../../../examples/demo';
import type { SpanNode } from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { protobufTraces, sampleSpans } from '../../../testing/otlp-fixtures';
import { launchBrowser, openPage, type Browser } from './helpers/browser';
import { tempDb } from './helpers/temp-db';

// What the page-side callbacks use of the DOM (the tests compile without the DOM library).
interface Scrollable {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  querySelector(selector: string): unknown;
}
interface PageWindow {
  scrollY: number;
  innerHeight: number;
  scrollTo(x: number, y: number): void;
  document: { documentElement: { scrollHeight: number } };
}

function flatten(tree: SpanNode[]): SpanNode[] {
  return tree.flatMap((n) => [n, ...flatten(n.children)]);
}

describe('session viewer in Chromium', () => {
  const db = tempDb();
  let demo: DemoResult;
  let browser: Browser;
  let restoreEnv: () => void;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    demo = await runDemo({ dbPath: db.file, print: () => undefined });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    restoreEnv();
    db.remove();
  });

  const open = (url: string): Promise<Page> => openPage(browser, url, pageErrors);

  async function screenshot(page: Page, name: string): Promise<void> {
    const png = await page.screenshot({ fullPage: true });
    expect(png.length).toBeGreaterThan(10_000);
    if (process.env.UPDATE_SCREENSHOTS === '1') writeFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'img', name), png);
  }

  it('lists the demo session, shows its waterfall, the LLM call and the failed tool', async () => {
    const spans = flatten(demo.stored.tree);
    const llm = spans.find((s) => s.category === 'llm')!;
    const failed = spans.find((s) => s.status.code === 2)!;
    expect(failed.name).toBe('execute_tool issue_refund');

    const page = await open(demo.server.viewerUrl({ apiKey: demo.server.apiKey }));
    // The key came in the URL fragment; the page drops it from the address bar once stored.
    const row = page.locator(`tr[data-trace-id="${demo.traceId}"]`);
    await row.waitFor();
    expect(page.url()).not.toContain('#key=');
    const rowText = await row.innerText();
    expect(rowText).toContain('support-bot');
    expect(rowText).toContain('Success');
    expect(rowText).toContain('demo');
    expect(rowText).toContain(`${demo.stored.totals.inputTokens} / ${demo.stored.totals.outputTokens}`);
    await screenshot(page, 'session-list.png');

    await row.click();
    await page.locator('#waterfall').waitFor();
    expect(new URL(page.url()).searchParams.get('trace_id')).toBe(demo.traceId);
    const shown = await page.locator('.wf-row[data-span-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-span-id')));
    expect(shown.sort()).toEqual(spans.map((s) => s.spanId).sort());

    // Children are drawn below and indented more than their parents; bars are to scale.
    const root = spans.find((s) => s.parentSpanId === null)!;
    const rootBar = await page.locator(`.wf-row[data-span-id="${root.spanId}"] .wf-bar`).boundingBox();
    const llmBar = await page.locator(`.wf-row[data-span-id="${llm.spanId}"] .wf-bar`).boundingBox();
    expect(rootBar!.width).toBeGreaterThan(llmBar!.width);
    expect(llmBar!.width / rootBar!.width).toBeCloseTo(llm.durationMs / root.durationMs, 1);

    await page.locator(`.wf-row[data-span-id="${llm.spanId}"]`).click();
    expect(await page.locator('#llm-prompt').innerText()).toContain('Where is my order 42?');
    expect(await page.locator('#input-tokens').innerText()).toBe(String(llm.attributes['gen_ai.usage.input_tokens']));
    expect(await page.locator('#output-tokens').innerText()).toBe(String(llm.attributes['gen_ai.usage.output_tokens']));
    expect(await page.locator('#llm-completion').innerText()).toContain('lookup_order');

    const failedRow = page.locator(`.wf-row[data-span-id="${failed.spanId}"]`);
    expect(await failedRow.getAttribute('class')).toContain('error');
    expect(await failedRow.getAttribute('data-error')).toBe('true');
    expect(await failedRow.innerText()).toContain('✗');
    const okTool = spans.find((s) => s.name === 'execute_tool lookup_order')!;
    expect(await page.locator(`.wf-row[data-span-id="${okTool.spanId}"]`).getAttribute('data-error')).toBe('false');

    await failedRow.click();
    expect(await page.locator('#span-status').innerText()).toContain('ERROR');
    expect(await page.locator('#exception').innerText()).toContain('RefundNotAllowedError');
    expect(await page.locator('#stacktrace').innerText()).toContain('at ');
    expect(await page.locator('#tool-arguments').innerText()).toContain('"order_id": 42');
    await page.locator(`.wf-row[data-span-id="${llm.spanId}"]`).click();
    await screenshot(page, 'session-waterfall.png');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('opens a session link after asking for the key when it has none', async () => {
    // What the SDK prints as session.url: {AGENTOPS_APP_URL}/sessions?trace_id={traceId}.
    const page = await open(`${demo.server.url}/sessions?trace_id=${demo.traceId}`);
    await page.locator('#login').waitFor();
    await page.locator('#api-key').fill('aol_not-a-key');
    await page.locator('#login button').click();
    await page.locator('#login-error').waitFor();
    // The browser logs the rejected exchange (401) as a failed resource load: expected here, and only here.
    const rejected = pageErrors.findIndex((e) => e.includes('status of 401'));
    expect(rejected).toBeGreaterThanOrEqual(0);
    pageErrors.splice(rejected, 1);
    await page.locator('#api-key').fill(demo.server.apiKey);
    await page.locator('#login button').click();
    await page.locator('#waterfall').waitFor();
    expect(await page.locator('.session-head h1').innerText()).toContain('support-bot');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('refreshes a running session until its root span arrives', async () => {
    // The demo pointed this process's environment at its server; these spans must only arrive when sent below.
    const restore = setEnv(SDK_ENV_CLEAR);
    const spans = await sampleSpans(1, 'live').finally(restore);
    const traceId = spans[0]!.spanContext().traceId;
    const send = async (part: typeof spans): Promise<void> => {
      const res = await fetch(`${demo.server.url}/v1/traces`, {
        method: 'POST',
        body: protobufTraces(part),
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${demo.server.apiKey}` },
      });
      expect(res.status).toBe(200);
    };
    const rootId = spans.find((s) => s.parentSpanContext === undefined)!.spanContext().spanId;
    // The tool call inside the action arrives late, with the root: the action's subtree grows on refresh.
    const late = spans.find((s) => s.parentSpanContext !== undefined && s.parentSpanContext.spanId !== rootId)!;
    const children = spans.filter((s) => s.parentSpanContext !== undefined && s !== late);
    await send(children);

    const page = await open(demo.server.viewerUrl({ traceId, apiKey: demo.server.apiKey }));
    await page.locator('#waterfall').waitFor();
    expect(await page.locator('.session-head .state').innerText()).toBe('running');
    expect(await page.locator('.wf-row[data-span-id]').count()).toBe(children.length);

    // The reader is in the middle of something: a span selected, its panel scrolled down with the
    // resource section open, the page scrolled. A short window makes both scrollable.
    await page.setViewportSize({ width: 1100, height: 260 });
    const picked = late.parentSpanContext!.spanId;
    await page.locator(`.wf-row[data-span-id="${picked}"]`).click();
    await page.locator('#span-panel details summary').click();
    const before = await page.locator('#span-panel').evaluate((panel: Scrollable) => {
      const w = globalThis as unknown as PageWindow;
      panel.scrollTop = 120;
      w.scrollTo(0, 90);
      return { panel: panel.scrollTop, window: w.scrollY, scrollable: panel.scrollHeight > panel.clientHeight && w.document.documentElement.scrollHeight > w.innerHeight };
    });
    expect(before).toEqual({ panel: 120, window: 90, scrollable: true });

    // The root span arrives while the page is open: it shows it without a reload.
    await send([late, ...spans.filter((s) => s.parentSpanContext === undefined)]);
    await page.locator('.session-head .state.Success').waitFor({ timeout: 15_000 });
    expect(await page.locator('.wf-row[data-span-id]').count()).toBe(spans.length);
    expect(await page.locator('.session-head h1').innerText()).toContain('live-0');

    // ... and the refresh left the reader where they were.
    expect(await page.locator('.wf-row.selected').getAttribute('data-span-id')).toBe(picked);
    const after = await page.locator('#span-panel').evaluate((panel: Scrollable) => ({
      panel: panel.scrollTop,
      window: (globalThis as unknown as PageWindow).scrollY,
      resourceOpen: (panel.querySelector('details') as unknown as { open: boolean }).open,
    }));
    expect(after).toEqual({ panel: 120, window: 90, resourceOpen: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
