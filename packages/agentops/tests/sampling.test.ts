/**
 * Acceptance (interop): sampleRate 0.25 over 4,000 sessions keeps 25% +/- 3% of sessions, each
 * whole; the same session id is decided identically in two processes; unsampled sessions serialise
 * nothing; a continued session takes its caller's decision.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import * as agentops from '../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import type { OtlpReceiver } from '../../../testing/otlp-receiver';
import { useCollector } from './helpers/use-collector';

describe('sampling whole sessions', () => {
  const collector = useCollector();
  let receiver: OtlpReceiver;
  beforeEach(() => {
    receiver = collector();
  });

  it('keeps 25% +/- 3% of 4,000 sessions, each one whole', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, sampleRate: 0.25, batch: { maxQueueSize: 20000 } });
    for (let i = 0; i < 4000; i++) {
      const s = agentops.startSession();
      s.run(() => {
        agentops.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: 'x' }));
        agentops.record(new agentops.ToolEvent({ name: 't' }));
      });
      s.end();
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await agentops.flush(10_000)).toBe(true);
    const byTrace = new Map<string, number>();
    for (const s of receiver.spans()) byTrace.set(s.traceId, (byTrace.get(s.traceId) ?? 0) + 1);
    const kept = byTrace.size;
    expect(kept).toBeGreaterThanOrEqual(880);
    expect(kept).toBeLessThanOrEqual(1120);
    for (const count of byTrace.values()) expect(count).toBe(3);
  });

  it('decides the same session id the same way in another process', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `conversation-${i}`);
    agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, sampleRate: 0.25 });
    const here = ids.map((id) => {
      const s = agentops.startSession({ sessionId: id });
      const kept = s.span.isRecording();
      s.end();
      return kept;
    });
    const code = `
      const a = require('agentops');
      a.init({ autoStartSession: false, logLevel: 'silent', metrics: false, sampleRate: 0.25 });
      const ids = ${JSON.stringify(ids)};
      console.log(JSON.stringify(ids.map((id) => { const s = a.startSession({ sessionId: id }); const k = s.span.isRecording(); s.end(); return k; })));
      a.shutdown(200);`;
    const there = JSON.parse(execFileSync(process.execPath, ['-e', code], { cwd: join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, ...SDK_ENV_CLEAR } })) as boolean[];
    expect(there).toEqual(here);
    expect(here.filter(Boolean).length).toBeGreaterThan(30);
    expect(here.filter((k) => !k).length).toBeGreaterThan(150);
  });

  it('costs an unsampled session no serialisation, and a continued session follows its caller', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, sampleRate: 0.5 });
    let reads = 0;
    const watched = { get q(): string { reads++; return 'x'; } };
    let unsampled: agentops.Session | undefined;
    let sampled: agentops.Session | undefined;
    for (let i = 0; i < 100 && (!unsampled || !sampled); i++) {
      const s = agentops.startSession();
      if (s.span.isRecording()) sampled ??= s;
      else unsampled ??= s;
    }
    unsampled!.record(new agentops.ToolEvent({ name: 't', params: watched }));
    unsampled!.record(new agentops.LLMEvent({ model: 'm', prompt: [watched] }));
    expect(reads).toBe(0);
    sampled!.record(new agentops.ToolEvent({ name: 't', params: watched }));
    expect(reads).toBeGreaterThan(0);

    // The remote side takes its caller's decision: its span records only for the sampled session.
    const recorded: Array<boolean | null> = [];
    for (const s of [unsampled!, sampled!]) {
      const carrier = s.run(() => agentops.inject({}));
      recorded.push(
        agentops.continueSession(carrier, () =>
          agentops.getClient()!.activeSession()!.trace(new agentops.ToolEvent({ name: 'remote' }), () => trace.getActiveSpan()?.isRecording() ?? null),
        ),
      );
    }
    expect(recorded).toEqual([false, true]);
    for (const s of agentops.getClient()!.openSessions()) s.end();
    await agentops.flush(2000);
    const remote = receiver.spans().filter((x) => x.name === 'execute_tool remote');
    expect(remote.map((x) => x.traceId)).toEqual([sampled!.traceId]);
  });
});
