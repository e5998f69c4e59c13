/**
 * Acceptance (session list, in real headless Chromium, 2,000 stored sessions of mixed services,
 * models, tags and end states sent over OTLP): `/` focuses the search box; a word of a name, a
 * trace id and a span name each find their session; a date range plus a model filter lists exactly
 * the sessions GET /api/sessions returns for the same query, with its totals; the view lives in the
 * URL, so a reload restores it and back / forward walk the views; a column header sorts; the cursor
 * pages; unnamed sessions read as their first agent, spans outside any session are marked; hostile
 * names and tags are text. A mistyped session id is said to be one. With UPDATE_SCREENSHOTS=1 the
 * list is saved as docs/img/session-list-search.png.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { LocalServer, SessionSummary } from '../src';
import { launchBrowser, openPage, type Browser } from './helpers/browser';
import { HOSTILE, HOSTILE_NAME, HOSTILE_TAG, MIX_START_MS, UNIQUE_SPAN, UNIQUE_WORD, UNNAMED, outsideTraceId, sendMixedSessions, traceIdOf, waitForSessions, type MixedSession } from './helpers/session-mix';
import { useServer } from './helpers/test-server';

const N = 2000;

// What the page-side callbacks use of the DOM (the tests compile without the DOM library).
interface PageElement {
  id: string;
  getAttribute(name: string): string | null;
}
declare const document: { activeElement: PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> };
declare const location: { search: string };
declare const window: { __pwned?: number };

interface ListAnswer {
  sessions: SessionSummary[];
  total: number;
  totals: { sessions: number; inputTokens: number; outputTokens: number; costUsd: number; errors: number };
  next: string | null;
}

describe('session list in Chromium (2,000 sessions)', () => {
  const current = useServer();
  let server: LocalServer;
  let sent: MixedSession[];
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const rest = async (query: URLSearchParams | string): Promise<ListAnswer> => {
    const res = await fetch(`${server.url}/api/sessions?${query}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as ListAnswer;
  };
  const shownIds = (): Promise<string[]> => page.locator('#session-list tbody tr[data-trace-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')!));
  // The list is drawn when its rows match: wait for the first row, or for "no match".
  const listed = async (want: string[]): Promise<void> => {
    await page.waitForFunction((ids) => {
      const rows = [...document.querySelectorAll('#session-list tbody tr[data-trace-id]')].map((e) => e.getAttribute('data-trace-id'));
      return rows.length === ids.length && rows.every((r, i) => r === ids[i]);
    }, want);
  };
  const urlParams = (): URLSearchParams => new URL(page.url()).searchParams;
  const search = async (text: string): Promise<void> => {
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };

  beforeAll(async () => {
    server = current();
    sent = await sendMixedSessions(server, N);
    await waitForSessions(server, N + 1);
    browser = await launchBrowser();
    page = await openPage(browser, server.viewerUrl({ apiKey: server.apiKey }), errors);
    await page.locator('#session-list tbody tr[data-trace-id]').first().waitFor();
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
  });

  it('finds a session by a word of its name, by its id and by a span name', async () => {
    expect(await page.locator('#totals-sessions').innerText()).toBe('2,001 sessions');
    // Newest first, 50 a page.
    expect(await shownIds()).toEqual((await rest('')).sessions.map((s) => s.traceId));

    await search(UNIQUE_WORD.word);
    await listed([traceIdOf(UNIQUE_WORD.index)]);
    expect(urlParams().get('q')).toBe(UNIQUE_WORD.word);
    expect(await page.locator('#totals-sessions').innerText()).toBe('1 session');

    await page.locator('#search').fill(traceIdOf(321));
    await page.keyboard.press('Enter');
    await listed([traceIdOf(321)]);

    await page.locator('#search').fill('escalate_to_legal');
    await page.keyboard.press('Enter');
    await listed([traceIdOf(UNIQUE_SPAN.index)]);
    expect(await page.locator(`tr[data-trace-id="${traceIdOf(UNIQUE_SPAN.index)}"]`).innerText()).toContain(sent[UNIQUE_SPAN.index]!.name);
  });

  it('lists for a date range and a model exactly what the REST API returns, keeps it in the URL, and restores it on reload and back', async () => {
    await page.locator('#clear').click();
    await page.waitForFunction(() => location.search === '');
    await page.locator('#search').waitFor();
    const fromMs = MIX_START_MS + 600 * 60_000;
    const toMs = MIX_START_MS + 700 * 60_000;
    // datetime-local takes the browser's local time.
    const local = (ms: number): Promise<string> =>
      page.evaluate((t) => {
        const d = new Date(t);
        const p = (n: number): string => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
      }, ms);
    await page.locator('#filter-from').fill(await local(fromMs));
    await page.locator('#filter-to').fill(await local(toMs));
    await page.locator('#filter-model').selectOption('gemini-2.5-flash');
    await page.locator('#apply').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('model') === 'gemini-2.5-flash');
    const q = urlParams();
    expect(q.get('from')).toBe(new Date(fromMs).toISOString());
    expect(q.get('to')).toBe(new Date(toMs).toISOString());

    const want = sent.filter((s) => s.startMs >= fromMs && s.startMs < toMs && s.model === 'gemini-2.5-flash');
    const answer = await rest(q);
    expect(answer.sessions.map((s) => s.traceId).sort()).toEqual(want.map((s) => s.traceId).sort());
    await listed(answer.sessions.map((s) => s.traceId));
    expect(await page.locator('#totals-sessions').innerText()).toBe(`${want.length} sessions`);
    expect(await page.locator('#totals-errors').innerText()).toBe(`${answer.totals.errors} errors`);
    expect(await page.locator('#totals-tokens').innerText()).toBe(`${answer.totals.inputTokens.toLocaleString('en-US')} in / ${answer.totals.outputTokens.toLocaleString('en-US')} out tokens`);
    expect(await page.locator('#totals-cost').innerText()).toMatch(/^\$0\.\d+ USD$/);
    // Each row shows its service and model.
    const row = page.locator(`tr[data-trace-id="${want[0]!.traceId}"]`);
    expect(await row.locator('td.services').innerText()).toBe(want[0]!.service);
    expect(await row.locator('td.models').innerText()).toBe('gemini-2.5-flash');

    // A column header sorts, and goes into the URL too.
    await page.locator('th[data-sort="cost"] button').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('sort') === 'cost');
    const byCost = await rest(urlParams());
    expect(byCost.sessions.map((s) => s.traceId).sort()).toEqual(want.map((s) => s.traceId).sort());
    await listed(byCost.sessions.map((s) => s.traceId));
    expect(await page.locator('th[data-sort="cost"]').getAttribute('aria-sort')).toBe('descending');
    if (process.env.UPDATE_SCREENSHOTS === '1') writeFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'img', 'session-list-search.png'), await page.screenshot({ fullPage: true }));

    await page.reload();
    await listed(byCost.sessions.map((s) => s.traceId));
    expect(await page.locator('#filter-model').inputValue()).toBe('gemini-2.5-flash');
    // (Chromium drops ":00" seconds from the field's value: compared as instants.)
    expect(await page.locator('#filter-from').evaluate((e) => new Date((e as unknown as { value: string }).value).getTime())).toBe(fromMs);
    expect(await page.locator('th[data-sort="cost"]').getAttribute('aria-sort')).toBe('descending');

    // Back: the same filters, by start time; back again: the span-name search of the first test.
    await page.goBack();
    await listed(answer.sessions.map((s) => s.traceId));
    await page.goBack();
    await page.goBack();
    await listed([traceIdOf(UNIQUE_SPAN.index)]);
    expect(await page.locator('#search').inputValue()).toBe('escalate_to_legal');
    await page.goForward();
    await page.goForward();
    await listed(answer.sessions.map((s) => s.traceId));
  });

  it('pages by cursor', async () => {
    await page.goto(`${server.url}/sessions?end_state=Fail`);
    const first = await rest('end_state=Fail');
    await listed(first.sessions.map((s) => s.traceId));
    await page.locator('#next-page').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).has('cursor'));
    expect(urlParams().get('cursor')).toBe(first.next);
    const second = await rest(`end_state=Fail&cursor=${encodeURIComponent(first.next!)}`);
    await listed(second.sessions.map((s) => s.traceId));
    await page.locator('#prev-page').click();
    await listed(first.sessions.map((s) => s.traceId));
  });

  it('names unnamed sessions, marks spans outside any session and shows hostile values as text', async () => {
    await page.goto(`${server.url}/sessions?q=${traceIdOf(UNNAMED.index)}`);
    await listed([traceIdOf(UNNAMED.index)]);
    expect(await page.locator('a.session-name').innerText()).toBe(UNNAMED.agent);

    await page.goto(`${server.url}/sessions?q=${outsideTraceId}`);
    await listed([outsideTraceId]);
    const outside = page.locator(`tr[data-trace-id="${outsideTraceId}"]`);
    expect(await outside.locator('a.session-name').innerText()).toBe('execute_tool refund_order');
    expect(await outside.locator('.no-session').innerText()).toBe('no session');
    expect(await outside.locator('.state').innerText()).toBe('Error');

    await page.goto(`${server.url}/sessions?q=${traceIdOf(HOSTILE.index)}`);
    await listed([traceIdOf(HOSTILE.index)]);
    const hostile = page.locator(`tr[data-trace-id="${traceIdOf(HOSTILE.index)}"]`);
    expect(await hostile.locator('a.session-name').innerText()).toBe(HOSTILE_NAME);
    expect(await hostile.locator('.tag').innerText()).toBe(HOSTILE_TAG);
    expect(await page.locator('#session-list img, #session-list b, #filters img').count()).toBe(0);
    expect(await page.evaluate(() => typeof window.__pwned)).toBe('undefined');
    // The tag filter offers it, as text.
    expect(await page.locator('#filter-tag option').allInnerTexts()).toContain(HOSTILE_TAG);
  });

  it('says a mistyped id is not a trace id, and a trace id not stored has not arrived yet', async () => {
    await page.goto(`${server.url}/sessions?trace_id=deadbeef`);
    expect(await page.locator('#not-found').innerText()).toBe('"deadbeef" is not a trace id (32 hex digits), a session UUID, or the session.id of a stored session.');
    await page.goto(`${server.url}/sessions?trace_id=${'0123'.repeat(8)}`);
    expect(await page.locator('#not-found').innerText()).toBe(`Session ${'0123'.repeat(8)} has not arrived yet.`);
    // The browser logs each 404 answer as a failed resource load: expected here, and only here.
    const notFound = errors.filter((e) => e.includes('status of 404'));
    expect(notFound.length).toBeGreaterThanOrEqual(2);
    expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
  });
});
