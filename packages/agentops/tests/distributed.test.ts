/**
 * Acceptance (interop): two real processes, an agent and a tool service talking HTTP on loopback,
 * make one trace: the tool service's spans are parented under the agent's tool span, and both reach
 * the receiver. Runs the distributed example as a user would, with W3C and with B3 propagation.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');

describe('a session across two processes', () => {
  it.each([undefined, 'b3', 'b3multi'])('one trace, the service under the agent tool span (OTEL_PROPAGATORS=%s)', async (propagators) => {
    const receiver = await OtlpReceiver.start();
    try {
      const env = { ...process.env, ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url, AGENTOPS_LOG_LEVEL: 'error', ...(propagators ? { OTEL_PROPAGATORS: propagators } : {}) };
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/distributed/agent.ts'], { cwd: root, env, timeout: 60_000 });
      const m = /session (\S+), trace ([0-9a-f]{32})/.exec(stdout);
      expect(m).not.toBeNull();
      const [, sessionId, traceId] = m!;
      const spans = receiver.spans();
      expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
      const agentTool = spans.find((s) => s.name === 'execute_tool lookup_order')!;
      expect(agentTool.resource['service.name']).toBe('support-agent');
      const load = spans.find((s) => s.name === 'action load_order')!;
      expect(load.resource['service.name']).toBe('order-service');
      expect(load.parentSpanId).toBe(agentTool.spanId);
      const db = spans.find((s) => s.name === 'execute_tool orders_db')!;
      expect(db.parentSpanId).toBe(load.spanId);
      expect(db.resource['service.name']).toBe('order-service');
      // The service's log line carries the session too.
      expect(load.events.find((e) => e.name === 'log')!.attributes['log.message']).toBe('order served');
      const sessionSpan = spans.find((s) => s.parentSpanId === undefined)!;
      expect(sessionSpan.name).toBe('support-conversation');
      expect(sessionSpan.attributes['session.id']).toBe(sessionId);
      // The remote process never ends (or exports) the session span: exactly one root.
      expect(spans.filter((s) => s.parentSpanId === undefined)).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});
