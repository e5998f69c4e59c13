/**
 * Acceptance (core SDK): 50 sessions run concurrently with Promise.all, interleaving awaits: 50
 * distinct traces, every event under its own session.
 */
import * as agentops from '../src';
import type { OtlpReceiver } from '../../../testing/otlp-receiver';
import { useCollector } from './helpers/use-collector';

describe('concurrent sessions', () => {
  const collector = useCollector();
  let receiver: OtlpReceiver;
  beforeEach(() => {
    receiver = collector();
  });

  it('keeps 50 interleaved sessions in 50 traces, each event under its own session', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent' });
    const pause = (): Promise<void> => new Promise((r) => setTimeout(r, Math.random() * 8));
    const sessions = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const session = agentops.startSession({ name: `conversation-${i}`, attributes: { idx: i } });
        await session.run(async () => {
          await pause();
          // Module-level record() must find the session made active by run(), not the newest one.
          agentops.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: `q${i}`, attributes: { idx: i } }));
          await pause();
          await session.trace(new agentops.ActionEvent({ actionType: 'step', attributes: { idx: i } }), async () => {
            await pause();
            agentops.record(new agentops.ToolEvent({ name: 'tool', attributes: { idx: i } }));
            await pause();
          });
        });
        session.end('Success');
        return session;
      }),
    );
    expect(await agentops.flush(5000)).toBe(true);
    const spans = receiver.spans();
    expect(spans).toHaveLength(50 * 4);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(50);

    for (const [i, session] of sessions.entries()) {
      const mine = spans.filter((s) => s.traceId === session.traceId);
      expect(mine).toHaveLength(4);
      for (const s of mine) expect(s.attributes.idx).toBe(i);
      const root = mine.find((s) => s.parentSpanId === undefined)!;
      expect(root.name).toBe(`conversation-${i}`);
      const action = mine.find((s) => s.name === 'action step')!;
      expect(mine.find((s) => s.name === 'chat gpt-4o')!.parentSpanId).toBe(root.spanId);
      expect(action.parentSpanId).toBe(root.spanId);
      expect(mine.find((s) => s.name === 'execute_tool tool')!.parentSpanId).toBe(action.spanId);
    }
  });

  it('record() outside any run() goes to the only open session, else the newest with one warning', async () => {
    const warnings: string[] = [];
    agentops.init({ autoStartSession: false, logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) } });
    agentops.record(new agentops.ToolEvent({ name: 'orphan' }));
    expect(agentops.stats()!.eventsWithoutSession).toBe(1);
    const a = agentops.startSession();
    agentops.record(new agentops.ToolEvent({ name: 'only' }));
    const b = agentops.startSession();
    agentops.record(new agentops.ToolEvent({ name: 'newest-1' }));
    agentops.record(new agentops.ToolEvent({ name: 'newest-2' }));
    a.end();
    b.end();
    await agentops.flush(5000);
    const spans = receiver.spans();
    expect(spans.find((s) => s.name === 'execute_tool only')!.traceId).toBe(a.traceId);
    expect(spans.find((s) => s.name === 'execute_tool newest-1')!.traceId).toBe(b.traceId);
    expect(spans.find((s) => s.name === 'execute_tool newest-2')!.traceId).toBe(b.traceId);
    expect(spans.find((s) => s.name === 'execute_tool orphan')).toBeUndefined();
    expect(warnings.filter((w) => w.includes('sessions are open'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('no session open'))).toHaveLength(1);
  });
});
