/**
 * Acceptance (every value the viewer reads from a span is untrusted, in real headless Chromium):
 * LLM, tool and exception spans whose attributes have the wrong shape or type, as any exporter can
 * send them (`gen_ai.input.messages` = `[null]`, `[{"parts":[null]}]`, a number, a message whose
 * parts are not a list, token counts and a cost that are strings, an exception type that is a
 * list), sent over OTLP/JSON: the session page opens with no script error, each panel shows what
 * is valid rendered as usual and what is not as the raw value sent.
 */
import type { Page } from 'playwright-core';
import type { LocalServer } from '../src';
import { launchBrowser, openPage, type Browser } from './helpers/browser';
import { useServer } from './helpers/test-server';

const TRACE = 'ab12'.repeat(8);
type Value = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean } | { arrayValue: { values: Value[] } };
const str = (s: string): Value => ({ stringValue: s });

function span(id: string, name: string, attributes: Record<string, Value>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: TRACE,
    spanId: id,
    parentSpanId: '1000000000000001',
    name,
    kind: 3,
    startTimeUnixNano: `1700000001${id.slice(-2)}0000000`,
    endTimeUnixNano: `1700000002${id.slice(-2)}0000000`,
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
    ...extra,
  };
}

const chat = (messages: Value, more: Record<string, Value> = {}): Record<string, Value> => ({ 'gen_ai.operation.name': str('chat'), 'gen_ai.input.messages': messages, ...more });

const SPANS = [
  { traceId: TRACE, spanId: '1000000000000001', name: 'untrusted', kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000009000000000', attributes: [{ key: 'agentops.span.kind', value: str('session') }] },
  span('2000000000000011', 'null message', chat(str('[null]'))),
  span('2000000000000012', 'null part', chat(str('[{"role":"user","parts":[null,{"type":"text","content":"still here"}]}]'))),
  span('2000000000000013', 'not a list', chat({ intValue: '42' })),
  span('2000000000000014', 'odd parts', chat(str('[{"role":7,"parts":{"a":1}},{"role":"user","parts":[{"type":"text","content":{"x":1}},{"type":9},"plain",{"type":"tool_call","name":["n"]}]},{"role":"assistant","content":"fine"}]'), {
    'gen_ai.usage.input_tokens': str('many'),
    'gen_ai.usage.output_tokens': { arrayValue: { values: [str('1')] } },
    'agentops.llm.cost_usd': str('$1'),
    'gen_ai.response.model': { arrayValue: { values: [str('m')] } },
    'gen_ai.output.messages': str('not json ['),
  })),
  span('2000000000000015', 'odd tool', { 'gen_ai.operation.name': str('execute_tool'), 'gen_ai.tool.name': { boolValue: true }, 'gen_ai.tool.call.arguments': { intValue: '5' } }, {
    status: { code: 2, message: 'failed' },
    events: [{ name: 'exception', timeUnixNano: '1700000002000000000', attributes: [{ key: 'exception.type', value: { arrayValue: { values: [str('T')] } } }, { key: 'exception.message', value: { doubleValue: 1.5 } }] }],
  }),
];

describe('viewer with spans of any shape (Chromium)', () => {
  const current = useServer();
  let server: LocalServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = current();
    const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'untrusted' }, spans: SPANS }] }] });
    const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(200);
    // Every span was stored: none was refused as a partial success.
    expect(await res.json()).toEqual({});
    browser = await launchBrowser();
    page = await openPage(browser, server.viewerUrl({ traceId: TRACE, apiKey: server.apiKey }), errors);
    await page.locator('#waterfall').waitFor();
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
  });

  const select = async (spanId: string): Promise<void> => {
    await page.locator(`.wf-row[data-span-id="${spanId}"]`).click();
    await page.locator('#span-panel h2').filter({ hasText: SPANS.find((s) => s.spanId === spanId)!.name as string }).waitFor();
  };
  const rawBlocks = (within: string): Promise<string[]> => page.locator(`${within} pre.raw`).allInnerTexts();

  it('opens the session and shows every span', async () => {
    expect(await page.locator('.wf-row[data-span-id]').count()).toBe(SPANS.length);
    expect(await page.locator('.session-head h1').innerText()).toContain('untrusted');
  });

  it('shows a null message and a null part as sent, next to the valid part', async () => {
    await select('2000000000000011');
    expect(await rawBlocks('#llm-prompt')).toEqual(['null']);
    await select('2000000000000012');
    expect(await rawBlocks('#llm-prompt')).toEqual(['null']);
    expect(await page.locator('#llm-prompt .msg').innerText()).toContain('still here');
  });

  it('shows messages that are not a list, and parts of the wrong type, raw', async () => {
    await select('2000000000000013');
    expect(await page.locator('#llm-prompt').innerText()).toBe('42');
    await select('2000000000000014');
    expect(await rawBlocks('#llm-prompt')).toEqual(['{"role":7,"parts":{"a":1}}', '{"type":"text","content":{"x":1}}', '{"type":9}', 'plain', '{"type":"tool_call","name":["n"]}']);
    expect(await page.locator('#llm-prompt').innerText()).toContain('fine');
    expect(await page.locator('#llm-completion').innerText()).toBe('not json [');
    expect(await page.locator('#input-tokens').innerText()).toBe('many');
    expect(await page.locator('#output-tokens').innerText()).toBe('["1"]');
    expect(await page.locator('#llm-cost').innerText()).toBe('$1');
    expect(await page.locator('#llm-usage').innerText()).toContain('["m"]');
  });

  it('shows a tool and an exception with attributes of the wrong type', async () => {
    await select('2000000000000015');
    expect(await page.locator('#tool-arguments').innerText()).toBe('5');
    expect(await page.locator('#exception').innerText()).toContain('["T"]: 1.5');
    expect(await page.locator('#span-status').innerText()).toContain('ERROR');
  });

  it('raised no script error', () => {
    expect(errors).toEqual([]);
  });
});
