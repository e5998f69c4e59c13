/**
 * Acceptance (viewer, in real headless Chromium): the spans of an agent framework run (recorded by
 * the real SDK through the run tree its framework integrations share) are drawn in their own
 * colours, agent, handoff and guardrail each, and the side panel shows the agent's name, tools
 * and captured instructions, the handoff's target and whether a guardrail tripped. Attribute values
 * of the wrong type (any exporter can send them) leave the page working.
 */
import type { Page } from 'playwright-core';
import * as agentops from 'agentops';
import { LLMEvent, ToolEvent } from 'agentops';
import { RunTree } from '../../agentops/src/integrations/shared/run-tree';
import type { LocalServer } from '../src';
import { setEnv } from '../../../testing/env';
import { launchBrowser, openPage, type Browser } from './helpers/browser';
import { useServer } from './helpers/test-server';

describe('agent framework spans in the viewer', () => {
  const current = useServer();
  let server: LocalServer;
  let browser: Browser;
  let traceId: string;
  const ids: Record<string, string> = {};
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = current();
    const restore = setEnv(server.env());
    try {
      agentops.init({ autoStartSession: false, logLevel: 'silent', logSessionUrl: false, captureContent: true });
      const tree = new RunTree('test-framework');
      const session = agentops.startSession({ name: 'multi-agent' });
      traceId = session.traceId;
      await session.run(async () => {
        ids.triage = tree.startAgent('a1', undefined, { name: 'triage', instructions: 'route the customer', tools: ['lookup_order', 'transfer_to_billing'] })!.spanContext().spanId;
        ids.guardrail = tree.startSpan('g1', 'a1', { name: 'guardrail no_pii', kind: 'guardrail', attributes: { 'agentops.guardrail.name': 'no_pii', 'agentops.guardrail.triggered': true } })!.spanContext().spanId;
        tree.end('g1');
        tree.startLLM('m1', 'a1', new LLMEvent({ model: 'gpt-4o-mini', prompt: 'hi', completion: 'calling a tool', promptTokens: 5, completionTokens: 3 }));
        tree.end('m1');
        tree.startTool('t1', 'a1', new ToolEvent({ name: 'lookup_order', params: { id: 7 }, returns: { status: 'shipped' } }));
        tree.end('t1');
        tree.handoff('a1', 'triage', 'billing');
        tree.end('a1');
        ids.billing = tree.startAgent('a2', undefined, { name: 'billing', attributes: { 'agentops.agent.tools': 42 } })!.spanContext().spanId;
        tree.end('a2');
      });
      session.end('Success');
      expect(await agentops.flush(5000)).toBe(true);
      await agentops.shutdown(5000);
    } finally {
      restore();
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  const open = (url: string): Promise<Page> => openPage(browser, url, pageErrors);

  it('draws agent, handoff and guardrail spans in their own colours, with their side-panel sections', async () => {
    const page = await open(`${server.viewerUrl({ apiKey: server.apiKey })}`);
    await page.locator(`tr[data-trace-id="${traceId}"]`).click();
    await page.locator('#waterfall').waitFor();
    const row = (spanId: string) => page.locator(`.wf-row[data-span-id="${spanId}"]`);
    expect(await row(ids.triage!).getAttribute('data-category')).toBe('agent');
    expect(await row(ids.guardrail!).getAttribute('data-category')).toBe('guardrail');
    const handoff = page.locator('.wf-row[data-category="handoff"]');
    expect(await handoff.count()).toBe(1);
    // Each category its own colour: the three bars differ.
    const colour = (loc: ReturnType<Page['locator']>) => loc.locator('.wf-bar').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    const colours = new Set([await colour(row(ids.triage!)), await colour(row(ids.guardrail!)), await colour(handoff)]);
    expect(colours.size).toBe(3);

    await row(ids.triage!).click();
    expect(await page.locator('#agent-name').innerText()).toBe('triage');
    expect(await page.locator('#agent-tools').innerText()).toBe('lookup_order, transfer_to_billing');
    expect(await page.locator('#agent-instructions').innerText()).toContain('route the customer');

    await handoff.click();
    expect(await page.locator('#handoff-to').innerText()).toBe('billing');

    await row(ids.guardrail!).click();
    expect(await page.locator('#guardrail-tripped').innerText()).toBe('yes');

    // A tools attribute of the wrong type: the section shows what is valid and the page keeps working.
    await row(ids.billing!).click();
    expect(await page.locator('#agent-name').innerText()).toBe('billing');
    expect(await page.locator('#agent-tools').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
