/**
 * Acceptance (issue: core SDK): a session with one LLM call, one action containing a nested tool,
 * and one error arrives at a loopback OTLP receiver as one trace: a parentless root whose trace id is
 * the session id, children with the right parents, names, kinds, attributes, status and the start
 * and end times that were recorded.
 */
import * as agentops from '../src';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import type { OtlpReceiver } from '../../../testing/otlp-receiver';
import { useCollector } from './helpers/use-collector';

const INTERNAL = 1;
const CLIENT = 3;
const ERROR = 2;
const OK = 1;
const UNSET = 0;

function nanos(ms: number): bigint {
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

describe('a session arrives as one trace', () => {
  const collector = useCollector();
  let receiver: OtlpReceiver;
  beforeEach(() => {
    receiver = collector();
  });

  it('maps session, LLM, action, nested tool and error to spans with the recorded times', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent' });
    const session = agentops.startSession({ name: 'support-bot', tags: ['support', 'test'], attributes: { 'user.tier': 'gold' } });
    const t0 = Date.now() - 10_000;

    await session.run(async () => {
      agentops.record(
        new agentops.LLMEvent({
          model: 'gpt-4o',
          provider: 'openai',
          prompt: [
            { role: 'system', content: 'You are helpful.' },
            { role: 'user', content: 'Where is order 42?' },
          ],
          completion: { role: 'assistant', content: 'Let me check.' },
          promptTokens: 21,
          completionTokens: 5,
          cachedTokens: 4,
          params: { temperature: 0.2, max_tokens: 256 },
          responseId: 'chatcmpl-1',
          responseModel: 'gpt-4o-2024-08-06',
          finishReasons: ['stop'],
          initTimestamp: new Date(t0),
          endTimestamp: new Date(t0 + 1500),
        }),
      );
      const action = new agentops.ActionEvent({ actionType: 'lookup', params: { order: 42 }, initTimestamp: t0 + 2000 });
      await session.trace(action, async () => {
        await new Promise((r) => setTimeout(r, 5));
        agentops.record(new agentops.ToolEvent({ name: 'get_order', toolCallId: 'call_1', params: { id: 42 }, returns: { status: 'shipped' }, initTimestamp: t0 + 2100, endTimestamp: t0 + 2300 }));
        return 'found';
      });
      const failing = new agentops.ToolEvent({ name: 'refund', params: { id: 42 }, initTimestamp: t0 + 3000, endTimestamp: t0 + 3100 });
      agentops.record(new agentops.ErrorEvent({ trigger: failing, exception: new RangeError('amount too large'), code: 'E_REFUND' }));
    });
    session.end('Success');
    expect(await agentops.flush(5000)).toBe(true);

    const spans = receiver.spans();
    expect(spans).toHaveLength(5);
    const byName = (n: string): DecodedSpan => {
      const s = spans.find((x) => x.name === n);
      if (!s) throw new Error(`no span ${n} in ${spans.map((x) => x.name).join(', ')}`);
      return s;
    };

    const root = byName('support-bot');
    expect(root.parentSpanId).toBeUndefined();
    expect(root.traceId).toBe(session.id.replace(/-/g, ''));
    expect(root.traceId).toBe(session.traceId);
    expect(root.kind).toBe(INTERNAL);
    expect(root.status.code).toBe(OK);
    expect(root.attributes).toMatchObject({
      'session.id': session.id,
      'agentops.span.kind': 'session',
      'agentops.tags': ['support', 'test'],
      'agentops.session.end_state': 'Success',
      'user.tier': 'gold',
    });
    for (const s of spans) expect(s.traceId).toBe(root.traceId);

    const llm = byName('chat gpt-4o');
    expect(llm.parentSpanId).toBe(root.spanId);
    expect(llm.kind).toBe(CLIENT);
    expect(llm.status.code).toBe(UNSET);
    expect(BigInt(llm.startTimeUnixNano)).toBe(nanos(t0));
    expect(BigInt(llm.endTimeUnixNano)).toBe(nanos(t0 + 1500));
    expect(llm.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 256,
      'gen_ai.usage.input_tokens': 21,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.cache_read.input_tokens': 4,
      'agentops.event.type': 'llm',
    });
    expect(typeof llm.attributes['agentops.event.id']).toBe('string');
    expect(JSON.parse(llm.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are helpful.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Where is order 42?' }] },
    ]);
    expect(JSON.parse(llm.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Let me check.' }], finish_reason: 'stop' },
    ]);

    const action = byName('action lookup');
    expect(action.parentSpanId).toBe(root.spanId);
    expect(action.kind).toBe(INTERNAL);
    expect(action.status.code).toBe(OK);
    expect(BigInt(action.startTimeUnixNano)).toBe(nanos(t0 + 2000));
    expect(action.attributes).toMatchObject({
      'agentops.event.type': 'action',
      'agentops.action.type': 'lookup',
      'agentops.action.params': '{"order":42}',
      // A string result is recorded as the string itself, not re-encoded as JSON.
      'agentops.action.returns': 'found',
    });

    const tool = byName('execute_tool get_order');
    expect(tool.parentSpanId).toBe(action.spanId);
    expect(tool.kind).toBe(INTERNAL);
    expect(BigInt(tool.startTimeUnixNano)).toBe(nanos(t0 + 2100));
    expect(BigInt(tool.endTimeUnixNano)).toBe(nanos(t0 + 2300));
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_order',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.call.arguments': '{"id":42}',
      'gen_ai.tool.call.result': '{"status":"shipped"}',
      'agentops.event.type': 'tool',
    });

    const failed = byName('execute_tool refund');
    expect(failed.parentSpanId).toBe(root.spanId);
    expect(failed.status).toEqual({ code: ERROR, message: 'amount too large' });
    expect(failed.attributes['error.type']).toBe('RangeError');
    expect(failed.events).toHaveLength(1);
    expect(failed.events[0]!.name).toBe('exception');
    expect(failed.events[0]!.attributes).toMatchObject({
      'exception.type': 'RangeError',
      'exception.message': 'amount too large',
      'agentops.error.code': 'E_REFUND',
    });
    expect(String(failed.events[0]!.attributes['exception.stacktrace'])).toContain('RangeError: amount too large');

    // The resource names the service and the SDK.
    expect(root.resource).toMatchObject({ 'telemetry.sdk.language': 'nodejs', 'telemetry.distro.name': 'agentops' });
    expect(typeof root.resource['service.name']).toBe('string');
    expect(typeof root.resource['host.name']).toBe('string');
  });

  it('gives a non-UUID session id the SHA-256 trace id and keeps the original id', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent' });
    const session = agentops.startSession({ sessionId: 'conversation-7' });
    expect(session.id).toBe('conversation-7');
    expect(session.traceId).toBe(agentops.sessionIdToTraceId('conversation-7'));
    expect(session.traceId).toMatch(/^[0-9a-f]{32}$/);
    session.end('Fail', 'user gave up');
    await agentops.flush(5000);
    const [root] = receiver.spans();
    expect(root!.traceId).toBe(session.traceId);
    expect(root!.attributes['session.id']).toBe('conversation-7');
    expect(root!.status).toEqual({ code: ERROR, message: 'user gave up' });
    expect(root!.attributes['agentops.session.end_state']).toBe('Fail');
    expect(root!.attributes['agentops.session.end_reason']).toBe('user gave up');
  });

  it('maps Indeterminate to UNSET, ignores a second end(), and records into an ended session with one warning', async () => {
    const lines: string[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    agentops.init({ autoStartSession: false, logger });
    const session = agentops.startSession();
    session.end('Indeterminate', 'timeout');
    session.end('Success');
    session.record(new agentops.ToolEvent({ name: 'late' }));
    session.record(new agentops.ToolEvent({ name: 'later' }));
    await agentops.flush(5000);
    const spans = receiver.spans();
    const root = spans.find((s) => s.name === 'session')!;
    expect(root.status.code).toBe(UNSET);
    expect(root.attributes['agentops.session.end_state']).toBe('Indeterminate');
    const late = spans.filter((s) => s.name.startsWith('execute_tool'));
    expect(late).toHaveLength(2);
    for (const s of late) {
      expect(s.traceId).toBe(session.traceId);
      expect(s.parentSpanId).toBe(root.spanId);
    }
    expect(lines.filter((l) => l.includes('already ended'))).toHaveLength(1);
  });

  it('nests an event recorded under an open event span, and attaches an ErrorEvent without trigger to the active span', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent' });
    const session = agentops.startSession();
    await session.run(async () => {
      await session
        .trace(new agentops.ActionEvent({ actionType: 'plan' }), async () => {
          agentops.record(new agentops.ErrorEvent({ exception: new Error('bad plan'), errorType: 'PlanError' }));
          throw new TypeError('gave up');
        })
        .catch(() => undefined);
      agentops.record(new agentops.ErrorEvent({ exception: 'string failure' }));
    });
    session.end();
    await agentops.flush(5000);
    const spans = receiver.spans();
    const plan = spans.find((s) => s.name === 'action plan')!;
    expect(plan.status.code).toBe(ERROR);
    // exception.type is the thrown value's class; the ErrorEvent's errorType went to error.type (then the throw's).
    expect(plan.events.map((e) => e.attributes['exception.type'])).toEqual(['Error', 'TypeError']);
    expect(plan.events.map((e) => e.attributes['exception.message'])).toEqual(['bad plan', 'gave up']);
    expect(plan.attributes['error.type']).toBe('TypeError');
    const root = spans.find((s) => s.name === 'session')!;
    // On the session span an ErrorEvent adds an exception event but the status stays the end state's.
    expect(root.events).toHaveLength(1);
    expect(root.events[0]!.attributes['exception.message']).toBe('string failure');
    expect(root.status.code).toBe(OK);
  });
});
