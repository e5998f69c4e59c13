/**
 * Acceptance (MCP with no flag): the built package patches the real MCP SDK, whose patch targets
 * live in files its main entry does not export (`dist/{cjs,esm}/shared/protocol.js`), with a plain
 * `init()`: an ES module app that imports `@modelcontextprotocol/sdk/client/index.js` statically
 * before `init()`, a CommonJS app that requires it before or after `init()`, and an ES module app
 * under `--import agentops/hook`. The MCP server each app spawns over stdio runs agentops with a
 * plain `init()` too (its SDK loaded before it). Each variant is a child process; its spans and its
 * server's arrive at a loopback OTLP receiver in this process.
 */
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { OtlpReceiver } from '../../../testing/otlp-receiver';
import { runNode } from './helpers/run-node';

const ESM = 'tests/fixtures/mcp-client-esm.mjs';
const CJS = 'tests/fixtures/mcp-client-cjs.cjs';

interface Variant {
  label: string;
  args: string[];
  mode: string;
  /** Whether the app's MCP client is recorded. */
  recorded: boolean;
}

const VARIANTS: Variant[] = [
  { label: 'ESM, static import before a plain init(), no flag', args: [ESM], mode: 'auto', recorded: true },
  { label: 'ESM, under --import agentops/hook', args: ['--import', 'agentops/hook', ESM], mode: 'auto', recorded: true },
  { label: 'ESM, instrument: false', args: [ESM], mode: 'off', recorded: false },
  { label: 'CJS, required before init()', args: [CJS], mode: 'before', recorded: true },
  { label: 'CJS, required after init()', args: [CJS], mode: 'after', recorded: true },
];

describe('the built package patches the MCP SDK with no flag', () => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });

  afterAll(async () => {
    await receiver.close();
  });

  it.each(VARIANTS)('$label', async (v) => {
    const out = await runNode(v.args, { OTLP_EXPORTER_ENDPOINT: receiver.url, FIXTURE_MODE: v.mode, NODE_OPTIONS: undefined });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const { traceId, text } = JSON.parse(out.stdout) as { traceId: string; text: string };
    expect(text).toBe('order 42: shipped, arrives tomorrow');
    // The app flushed before it printed; its server flushes as it exits, when the client closes it.
    const served = (): boolean => receiver.spans().some((s) => s.traceId === traceId && s.kind === 2 && s.name === 'tools/call lookup_order');
    if (v.recorded) await receiver.waitFor(served, 20_000, 'the MCP server span');
    const spans: DecodedSpan[] = receiver.spans().filter((s) => s.traceId === traceId);
    const session = spans.find((s) => s.parentSpanId === undefined);
    expect(session?.name).toMatch(/-session$/);
    const calls = spans.filter((s) => s.name === 'tools/call lookup_order');
    if (!v.recorded) {
      expect(calls).toEqual([]);
      return;
    }
    const client = calls.find((s) => s.kind === 3);
    const server = calls.find((s) => s.kind === 2);
    expect(client?.parentSpanId).toBe(session!.spanId);
    expect(client?.attributes['agentops.event.type']).toBe('tool');
    expect(server?.parentSpanId).toBe(client!.spanId);
    expect(server?.resource['service.name']).toBe('order-mcp-server');
    expect(spans.find((s) => s.name === 'action orders_db')?.parentSpanId).toBe(server!.spanId);
    expect(session?.attributes['agentops.session.tool_calls']).toBe(1);
  });
});
