/**
 * Acceptance (reliability): stale sessions end as Indeterminate "stale"; spans left open by user
 * code end as abandoned when their session ends; the registry holds only what is open; a client
 * instance instrumented per request is not kept alive by the instrumentation.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as agentops from '../src';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import type { OtlpReceiver } from '../../../testing/otlp-receiver';
import { useCollector } from './helpers/use-collector';

describe('session and span lifetimes', () => {
  const collector = useCollector();
  let receiver: OtlpReceiver;
  beforeEach(() => {
    receiver = collector();
  });

  it('ends a session older than sessionTtlMs as Indeterminate, reason stale', async () => {
    const client = agentops.init({ autoStartSession: false, logLevel: 'silent', sessionTtlMs: 200 });
    const s = agentops.startSession({ name: 'forgotten' });
    await new Promise((r) => setTimeout(r, 600));
    expect(s.endState).toBe('Indeterminate');
    expect(s.endReason).toBe('stale');
    expect(client.stats().sessions.open).toBe(0);
    await agentops.flush(2000);
    expect(receiver.spans().find((x) => x.name === 'forgotten')!.attributes['agentops.session.end_reason']).toBe('stale');
  });

  it('ends spans user code left open as abandoned when the session ends', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent' });
    const s = agentops.startSession();
    const never = new Promise<never>(() => undefined);
    void s.trace(new agentops.ActionEvent({ actionType: 'waits-forever' }), () => never);
    s.end('Fail', 'timeout');
    await agentops.flush(2000);
    const span = receiver.spans().find((x) => x.name === 'action waits-forever')!;
    expect(span.attributes['agentops.span.abandoned']).toBe(true);
  });

  it('holds only open sessions: 5,000 sessions come and go, nothing stays behind', () => {
    const client = agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false });
    for (let i = 0; i < 5000; i++) {
      const s = agentops.startSession();
      s.trace(new agentops.ToolEvent({ name: 't' }), () => i);
      s.end();
    }
    const st = client.stats().sessions;
    expect(st).toEqual({ open: 0, started: 5000, ended: 5000 });
  });

  it('does not keep client instances alive: one instrumented per request is collected once dropped', () => {
    // A process of its own, for a garbage collector it can drive; the built package, as a user has it.
    const code = `
      const agentops = require('agentops');
      const OpenAI = require('openai').default;
      agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, instrument: false });
      let collected = 0;
      const registry = new FinalizationRegistry(() => { collected++; });
      for (let i = 0; i < 200; i++) {
        const client = agentops.instrument(new OpenAI({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:9/v1' }));
        registry.register(client, i);
      }
      (async () => {
        for (let i = 0; i < 20 && collected < 200; i++) { global.gc(); await new Promise((r) => setTimeout(r, 10)); }
        console.log(collected);
        await agentops.shutdown(500);
      })();`;
    const out = execFileSync(process.execPath, ['--expose-gc', '-e', code], { cwd: join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, ...SDK_ENV_CLEAR } });
    expect(Number(out.trim())).toBeGreaterThanOrEqual(190);
  });
});
