/**
 * Acceptance (core SDK): record() of an event with a circular payload or a 5 MB string neither
 * throws nor exports more than the configured attribute length limit; bad fields are reported
 * once per field and recording continues.
 */
import * as agentops from '../src';
import { CaptureLogger } from '../../../testing/capture-logger';
import type { OtlpReceiver } from '../../../testing/otlp-receiver';
import { useCollector } from './helpers/use-collector';

function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => allStrings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => allStrings(x, out));
  return out;
}

describe('bad input never throws and never exceeds the limit', () => {
  const collector = useCollector();
  let receiver: OtlpReceiver;
  beforeEach(() => {
    receiver = collector();
  });

  it.each([1000, 131072])('with attributeValueLengthLimit %d', async (limit) => {
    agentops.init({ autoStartSession: false, logLevel: 'silent', spanLimits: limit === 131072 ? undefined : { attributeValueLengthLimit: limit } });
    const session = agentops.startSession();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    circular.list = [circular, { deeper: circular }];
    const huge = 'x'.repeat(5 * 1024 * 1024);

    expect(() => {
      session.record(new agentops.ToolEvent({ name: 'circular', params: circular, returns: circular }));
      session.record(new agentops.ToolEvent({ name: 'huge', params: huge, returns: { huge } }));
      session.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: huge, completion: { role: 'assistant', content: huge } }));
      session.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: [circular], completion: circular }));
      session.record(new agentops.ActionEvent({ actionType: 'a', params: { big: 10n ** 30n, fn: () => 1, sym: Symbol('s') }, attributes: { blob: huge, nested: circular } }));
    }).not.toThrow();
    session.end();
    expect(await agentops.flush(10_000)).toBe(true);

    const spans = receiver.spans();
    expect(spans).toHaveLength(6);
    for (const s of spans) {
      for (const str of allStrings(s.attributes)) expect(str.length).toBeLessThanOrEqual(limit);
    }
    const circ = spans.find((s) => s.name === 'execute_tool circular')!;
    expect(circ.attributes['gen_ai.tool.call.arguments']).toContain('"self":"[Circular]"');
    const hugeTool = spans.find((s) => s.name === 'execute_tool huge')!;
    expect(String(hugeTool.attributes['gen_ai.tool.call.arguments'])).toMatch(/\.\.\.\[truncated \d+ chars\]$/);
    const action = spans.find((s) => s.name === 'action a')!;
    expect(action.attributes['agentops.action.params']).toBe('{"big":"1000000000000000000000000000000","fn":"[Function fn]","sym":"Symbol(s)"}');
  });

  it('reports an invalid field once per field and still records the event', async () => {
    const logger = new CaptureLogger();
    agentops.init({ autoStartSession: false, logger });
    const session = agentops.startSession();
    for (let i = 0; i < 3; i++) {
      session.record(
        new agentops.LLMEvent({
          model: 42 as unknown as string,
          promptTokens: -1,
          completionTokens: 'many' as unknown as number,
          params: { temperature: 'hot' as unknown as number },
          initTimestamp: 'yesterday-ish',
        }),
      );
    }
    session.record(null as unknown as agentops.Event);
    session.record({ eventType: 'llm' } as unknown as agentops.Event);
    session.record(new agentops.ToolEvent(null as unknown as agentops.ToolEventInit));
    session.end();
    await agentops.flush(5000);
    const fields = ['LLMEvent.model', 'LLMEvent.promptTokens', 'LLMEvent.completionTokens', 'LLMEvent.params.temperature', 'LLMEvent.initTimestamp'];
    for (const f of fields) expect(logger.matching(new RegExp(f.replace(/\./g, '\\.'))).length).toBe(1);
    expect(logger.matching(/needs an LLMEvent/)).toHaveLength(1);
    const spans = receiver.spans();
    const llms = spans.filter((s) => s.name === 'chat');
    expect(llms).toHaveLength(3);
    for (const s of llms) {
      expect(s.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
      expect(s.attributes['gen_ai.request.model']).toBeUndefined();
      expect(s.attributes['agentops.event.type']).toBe('llm');
    }
    expect(spans.find((s) => s.name === 'execute_tool')).toBeDefined();
  });

  it('hostile values handed back to the SDK after the call neither throw into the agent nor escape as unhandled errors', async () => {
    const escaped: unknown[] = [];
    const onEscape = (err: unknown): void => {
      escaped.push(err);
    };
    process.on('unhandledRejection', onEscape);
    process.on('uncaughtException', onEscape);
    try {
      const logger = new CaptureLogger();
      agentops.init({ autoStartSession: false, logger, logLevel: 'warn' });
      // Every property read throws, except `then` (which JavaScript itself reads when resolving a promise).
      const hostile = new Proxy({}, { get: (_t, k) => { if (k === 'then') return undefined; throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); }, has: () => { throw new Error('trap'); } });
      const session = agentops.startSession();
      // A traced async function resolving to a value whose properties throw: the caller gets it back.
      const lookup = agentops.traceTool('lookup', async () => hostile);
      expect(await session.run(() => lookup())).toBe(hostile);
      // measureDuration: the user's own error comes back, whatever the attributes do.
      const boom = new Error('user error');
      expect(() => agentops.meter.measureDuration('op', () => { throw boom; }, hostile as never)).toThrow(boom);
      await expect(agentops.meter.measureDuration('op', () => Promise.reject(boom), hostile as never)).rejects.toBe(boom);
      // An ErrorEvent whose trigger is not an event is still recorded, with the field reported.
      session.record(new agentops.ErrorEvent({ trigger: null as never, exception: new Error('kept') }));
      // end() with a state and reason that cannot even be printed.
      expect(() => session.end(Object.create(null) as never, hostile as never)).not.toThrow();
      expect(session.endState).toBe('Indeterminate');
      await agentops.flush(5000);
      await new Promise((r) => setTimeout(r, 20));
      expect(escaped).toEqual([]);
      const spans = receiver.spans();
      expect(spans.find((x) => x.name === 'execute_tool lookup')).toBeDefined();
      expect(spans.find((x) => x.name === 'session')!.events.map((e) => e.attributes['exception.message'])).toContain('kept');
      expect(spans.find((x) => x.name === 'session')!.attributes['agentops.session.end_reason']).toBe('[unprintable]');
      expect(logger.matching(/ErrorEvent\.trigger/)).toHaveLength(1);
    } finally {
      process.off('unhandledRejection', onEscape);
      process.off('uncaughtException', onEscape);
    }
  });

  it('an event whose fields throw when read still becomes an ended, exported span, marked incomplete', async () => {
    const logger = new CaptureLogger();
    agentops.init({ autoStartSession: false, logger, logLevel: 'warn' });
    const session = agentops.startSession();
    const { proxy, revoke } = Proxy.revocable<unknown[]>([], {});
    revoke(); // every operation on it now throws
    expect(() => session.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: proxy, finishReasons: proxy as never, completion: 'fine' }))).not.toThrow();
    session.end();
    await agentops.flush(5000);
    const llm = receiver.spans().find((x) => x.name === 'chat gpt-4o');
    expect(llm).toBeDefined();
    expect(llm!.attributes['agentops.record.incomplete']).toBe(true);
    expect(llm!.attributes['gen_ai.request.model']).toBe('gpt-4o');
    expect(logger.matching(/could not be mapped in full/)).toHaveLength(1);
  });
});
