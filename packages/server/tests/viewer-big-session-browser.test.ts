/**
 * Acceptance (a session of a million spans opens and scrolls, in real headless Chromium): a
 * session of 1,000,001 spans (a root, 1,000 agents under it, 999 spans under each agent) written
 * into a real server's database. The page opens it with its span count, draws the rows of the top
 * of its tree, and after scrolling to the middle and to the end draws the rows there: consecutive
 * rows of the tree in depth-first order, each at its depth. A row clicked there shows its span in
 * the side panel. No script error.
 */
import type { Page } from 'playwright-core';
import type { LocalServer } from '../src';
import { writeSession } from './helpers/session-writer';
import { launchBrowser, openPage, type Browser } from './helpers/browser';
import { useServer } from './helpers/test-server';

jest.setTimeout(180_000);

const TRACE = '3c'.repeat(16);
const AGENTS = 1000;
const SPANS = 1 + AGENTS + AGENTS * 999;

/** The row (depth-first position) of span `i`: the root, agent a at 1 + 1000a, its k-th child right after it. */
function rowOf(i: number): number {
  if (i === 1) return 0;
  if (i <= AGENTS + 1) return 1 + (i - 2) * 1000;
  return 2 + ((i - AGENTS - 2) % AGENTS) * 1000 + Math.floor((i - AGENTS - 2) / AGENTS);
}
const depthOf = (i: number): number => (i === 1 ? 0 : i <= AGENTS + 1 ? 1 : 2);

interface PageWindow {
  scrollTo(x: number, y: number): void;
  innerHeight: number;
  document: { documentElement: { scrollHeight: number } };
}

describe('a session of 1,000,001 spans in the viewer (Chromium)', () => {
  const current = useServer();
  let server: LocalServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = current();
    writeSession(server, TRACE, SPANS, { kind: 'agents', fanout: AGENTS });
    browser = await launchBrowser();
    page = await openPage(browser, server.viewerUrl({ traceId: TRACE, apiKey: server.apiKey }), errors);
    await page.locator('#waterfall').waitFor({ timeout: 120_000 });
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
  });

  /** The span rows drawn, top to bottom, once every row on screen has arrived. */
  async function drawn(): Promise<Array<{ i: number; depth: number; top: number }>> {
    await page.locator('#wf-body .wf-row[data-span-id]').first().waitFor();
    await page.locator('#wf-body .wf-row.loading').first().waitFor({ state: 'detached' });
    const rows = await page.locator('#wf-body .wf-row[data-span-id]').evaluateAll((els) =>
      els.map((e) => ({ i: parseInt(e.getAttribute('data-span-id')!, 16), depth: Number(e.getAttribute('data-depth')), top: e.getBoundingClientRect().top })),
    );
    return rows.sort((a, b) => a.top - b.top);
  }

  /** Rows are consecutive rows of the tree, at their depths, and some are on screen. */
  function expectConsecutive(rows: Array<{ i: number; depth: number; top: number }>, height: number): void {
    const first = rowOf(rows[0]!.i);
    expect(rows.map((r) => [rowOf(r.i), r.depth])).toEqual(rows.map((r, k) => [first + k, depthOf(r.i)]));
    expect(rows.some((r) => r.top >= 0 && r.top < height)).toBe(true);
  }

  it('opens with its span count and the top of its tree', async () => {
    expect(await page.locator('#waterfall').getAttribute('data-rows')).toBe(String(SPANS));
    expect(await page.locator('#waterfall .wf-row.head').innerText()).toContain('1,000,001 spans');
    const rows = await drawn();
    expect(rows.slice(0, 4).map((r) => [r.i, r.depth])).toEqual([[1, 0], [2, 1], [1002, 2], [2002, 2]]);
  });

  it('scrolls to the middle and to the end, drawing the rows there', async () => {
    const height = await page.evaluate(() => (globalThis as unknown as PageWindow).innerHeight);
    for (const at of [0.5, 1]) {
      await page.evaluate((f) => {
        const w = globalThis as unknown as PageWindow;
        w.scrollTo(0, (w.document.documentElement.scrollHeight - w.innerHeight) * f);
      }, at);
      const rows = await drawn();
      const onScreen = rows.filter((r) => r.top >= 0 && r.top < height);
      expectConsecutive(rows, height);
      const mid = rowOf(onScreen[0]!.i);
      if (at === 1) expect(rows[rows.length - 1]!.i).toBe(SPANS);
      else expect(Math.abs(mid - SPANS / 2)).toBeLessThan(SPANS / 100);
    }
  });

  it('shows a span from the middle of the session in the side panel', async () => {
    await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      w.scrollTo(0, (w.document.documentElement.scrollHeight - w.innerHeight) * 0.3);
    });
    const rows = await drawn();
    const height = await page.evaluate(() => (globalThis as unknown as PageWindow).innerHeight);
    const target = rows.find((r) => r.top > 100 && r.top < height - 50)!;
    await page.locator(`.wf-row[data-span-id="${target.i.toString(16).padStart(16, '0')}"]`).click();
    await page.locator('#span-panel h2').filter({ hasText: `span ${target.i}` }).waitFor();
    expect(errors).toEqual([]);
  });
});
