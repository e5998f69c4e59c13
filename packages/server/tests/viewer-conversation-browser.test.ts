/**
 * Acceptance (viewer, in real headless Chromium): a conversation served by two processes whose
 * resumed request arrives before its first one. With the turn alone, the list shows the
 * conversation once, named by its session id, with one turn and the turn's end state (not as
 * running); its page shows the turn at the top level and a note that the first request has not
 * arrived. When the first request arrives, the open page shows, without a reload, both requests on
 * one timeline: the session span with its LLM call and, under it, the turn with its calls, each
 * request marked as a turn numbered in the order they started, drawn to scale on one time axis. The
 * list still shows one row, with two turns and the end state of the request that ended last.
 * A conversation of three requests in the usual order shows them as turns 1, 2 and 3, top to bottom.
 * With UPDATE_SCREENSHOTS=1 that page is written to docs/img/session-turns.png.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { LocalServer } from '../src';
import { launchBrowser, openPage, type Browser } from './helpers/browser';
import { conversationRequest, storedSpans } from './helpers/conversation';
import { useServer } from './helpers/test-server';

describe('a conversation over two requests in the viewer', () => {
  const current = useServer();
  let server: LocalServer;
  let browser: Browser;
  const pageErrors: string[] = [];
  const open = (url: string): Promise<Page> => openPage(browser, url, pageErrors);

  beforeAll(async () => {
    server = current();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  const attr = (page: Page, spanId: string, name: string): Promise<string | null> => page.locator(`.wf-row[data-span-id="${spanId}"]`).getAttribute(name);

  it('lists it once and shows both turns on one timeline, the first request arriving last', async () => {
    const sessionId = 'conv-browser';
    const resumed = await conversationRequest(server, 'resume', sessionId, 'Fail', 'refund refused');
    const traceId = resumed.traceId;

    const page = await open(server.viewerUrl({ apiKey: server.apiKey }));
    const row = page.locator(`tr[data-trace-id="${traceId}"]`);
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.locator('a').innerText()).toBe(sessionId);
    expect(await row.locator('.state').innerText()).toBe('Fail');
    expect(await row.locator('td.turns').innerText()).toBe('1');

    await row.click();
    await page.locator('#waterfall').waitFor();
    expect(await page.locator('#turns-note').innerText()).toContain('first request');
    expect(await page.locator('.wf-row[data-span-id]').count()).toBe(3);
    expect(await attr(page, resumed.spanId, 'data-category')).toBe('turn');
    expect(await attr(page, resumed.spanId, 'data-depth')).toBe('0');
    expect(await page.locator(`.wf-row[data-span-id="${resumed.spanId}"] .turn-mark`).innerText()).toBe('turn 1');

    // The conversation's first request arrives while the page is open.
    const first = await conversationRequest(server, 'start', sessionId, 'Success', 'answered');
    expect(first.traceId).toBe(traceId);
    await page.locator(`.wf-row[data-span-id="${first.spanId}"]`).waitFor({ timeout: 15_000 });
    expect(await page.locator('#turns-note').count()).toBe(0);
    expect(await page.locator('.session-head .state').innerText()).toBe('Success');
    expect(await page.locator('#totals div:has(> span:text-is("Turns")) b').innerText()).toBe('2');

    // Every span of both requests, in one waterfall: the session span on top, the turn under it.
    const spans = await storedSpans(server, traceId);
    expect(spans).toHaveLength(5);
    const shown = await page.locator('#waterfall .wf-row[data-span-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-span-id')));
    expect([...shown].sort()).toEqual(spans.map((s) => s.spanId).sort());
    expect(shown[0]).toBe(first.spanId);
    expect(await attr(page, first.spanId, 'data-depth')).toBe('0');
    expect(await attr(page, resumed.spanId, 'data-depth')).toBe('1');
    for (const s of spans.filter((x) => x.parentSpanId === resumed.spanId)) expect(await attr(page, s.spanId, 'data-depth')).toBe('2');

    // Both requests marked as turns, numbered in the order they started (the resumed one ran first).
    const marks = await page.locator('.wf-row.turn').evaluateAll((els) => els.map((e) => [e.getAttribute('data-span-id'), e.getAttribute('data-turn')]));
    expect(Object.fromEntries(marks)).toEqual({ [resumed.spanId]: '1', [first.spanId]: '2' });

    // One time axis: each bar sits where its span started, relative to the conversation's extent.
    const turnSpan = spans.find((s) => s.spanId === resumed.spanId)!;
    const sessionSpan = spans.find((s) => s.spanId === first.spanId)!;
    const t0 = Math.min(...spans.map((s) => s.startMs));
    const t1 = Math.max(...spans.map((s) => s.startMs + s.durationMs));
    const track = (await page.locator(`.wf-row[data-span-id="${first.spanId}"] .wf-track`).boundingBox())!;
    const turnBar = (await page.locator(`.wf-row[data-span-id="${resumed.spanId}"] .wf-bar`).boundingBox())!;
    const sessionBar = (await page.locator(`.wf-row[data-span-id="${first.spanId}"] .wf-bar`).boundingBox())!;
    expect(turnBar.x + turnBar.width).toBeLessThanOrEqual(sessionBar.x + 1);
    expect((sessionBar.x - track.x) / track.width).toBeCloseTo((sessionSpan.startMs - t0) / (t1 - t0), 1);
    expect((turnBar.x - track.x) / track.width).toBeCloseTo((turnSpan.startMs - t0) / (t1 - t0), 1);

    // Back in the list: still one row, now with both turns and the last request's end state.
    await page.locator('#back').click();
    await page.locator(`tr[data-trace-id="${traceId}"] td.turns:text-is("2")`).waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.locator('a').innerText()).toBe('support chat');
    expect(await row.locator('.state').innerText()).toBe('Success');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('numbers the turns of a conversation of three requests in the order they ran', async () => {
    const sessionId = 'conv-three';
    const first = await conversationRequest(server, 'start', sessionId, 'Success', 'answered');
    const second = await conversationRequest(server, 'resume', sessionId, 'Success', 'answered');
    const third = await conversationRequest(server, 'resume', sessionId, 'Fail', 'refund refused');

    const page = await open(server.viewerUrl({ traceId: first.traceId, apiKey: server.apiKey }));
    await page.locator('#waterfall').waitFor();
    const marks = await page.locator('.wf-row.turn').evaluateAll((els) => els.map((e) => [e.getAttribute('data-span-id'), e.getAttribute('data-turn'), e.getAttribute('data-depth')]));
    expect(marks).toEqual([
      [first.spanId, '1', '0'],
      [second.spanId, '2', '1'],
      [third.spanId, '3', '1'],
    ]);
    expect(await page.locator('.wf-row[data-span-id]').count()).toBe(8);
    expect(await page.locator('.session-head .state').innerText()).toBe('Fail');
    if (process.env.UPDATE_SCREENSHOTS === '1') writeFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'img', 'session-turns.png'), await page.screenshot({ fullPage: true }));
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
