/**
 * Acceptance (sessions: a lazy automatic session, the session on every span, ERROR that holds),
 * decoded from the OTLP a loopback receiver got:
 * - with the default `autoStartSession`, a process that starts its own session exports exactly that
 *   one trace; one that records with no session open exports one session trace holding it; one that
 *   records nothing exports nothing;
 * - an ErrorEvent recorded inside `traceAction`, `traceTool`, `traceAgent`, `session.trace()` and a
 *   decorated method leaves that span ERROR with its `exception` event when the wrapper ends
 *   normally, and the user's return value is unchanged; ERROR the user set on the span holds too;
 * - spans other tracers start inside a session (the user's own, the AI SDK's) carry `session.id`,
 *   `gen_ai.conversation.id` and the session's `user.id`.
 */
import { createOpenAI } from '@ai-sdk/openai';
import * as otel from '@ai-sdk/otel';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { generateText } from 'ai';
import * as agentops from '../src';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { InstrumentedRun } from './helpers/instrumented-run';

const ERROR = 2;
const OK = 1;

describe('the automatic session is lazy', () => {
  let run: InstrumentedRun;
  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });
  afterEach(async () => {
    await run.close();
  });

  const exported = async (): Promise<DecodedSpan[]> => {
    await agentops.shutdown(2000);
    return run.receiver.spans();
  };

  it('an explicit session only: exactly one trace', async () => {
    agentops.init({ logLevel: 'silent' });
    const s = agentops.startSession({ name: 'mine' });
    s.record(new agentops.ToolEvent({ name: 'inside' }));
    s.end();
    const spans = await exported();
    expect(new Set(spans.map((x) => x.traceId))).toEqual(new Set([s.traceId]));
    expect(spans.map((x) => x.name).sort()).toEqual(['execute_tool inside', 'mine']);
  });

  it('one record() with no session open: one session trace holding it, ended at shutdown()', async () => {
    const client = agentops.init({ logLevel: 'silent' });
    agentops.record(new agentops.ToolEvent({ name: 'alone' }));
    const spans = await exported();
    expect(new Set(spans.map((x) => x.traceId)).size).toBe(1);
    const root = spans.find((x) => x.parentSpanId === undefined)!;
    expect(root.name).toBe('session');
    expect(root.traceId).toBe(client.autoSession!.traceId);
    expect(root.attributes['agentops.session.end_reason']).toBe('shutdown');
    expect(spans.find((x) => x.name === 'execute_tool alone')!.parentSpanId).toBe(root.spanId);
    expect(spans).toHaveLength(2);
  });

  it('a traced function with no session open opens it too', async () => {
    const client = agentops.init({ logLevel: 'silent' });
    const lookup = agentops.traceTool('lookup', (id: number) => id * 2);
    expect(lookup(21)).toBe(42);
    const spans = await exported();
    expect(spans.find((x) => x.name === 'execute_tool lookup')!.traceId).toBe(client.autoSession!.traceId);
  });

  it('nothing recorded: nothing exported', async () => {
    const client = agentops.init({ logLevel: 'silent' });
    expect(client.autoSession).toBeUndefined();
    expect(await exported()).toEqual([]);
  });
});

describe('ERROR holds when the wrapper ends normally', () => {
  let run: InstrumentedRun;
  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });
  afterEach(async () => {
    await run.close();
  });

  const failInside = (label: string): string => {
    agentops.record(new agentops.ErrorEvent({ exception: new Error(`${label} went wrong`) }));
    return `${label} result`;
  };

  class Desk {
    @agentops.tool('decorated_tool')
    handle(): string {
      return failInside('decorated');
    }
  }

  it('in traceAction, traceTool, traceAgent, session.trace() and a decorated method', async () => {
    run.init();
    const returned: string[] = [];
    const { spans } = await run.inSession(async () => {
      returned.push(agentops.traceAction('act', () => failInside('action'))());
      returned.push(agentops.traceTool('tool_a', () => failInside('tool'))());
      returned.push(await agentops.traceAgent('helper', async () => failInside('agent'))());
      const session = agentops.activeSession()!;
      returned.push(session.trace(new agentops.ActionEvent({ actionType: 'traced' }), () => failInside('trace')));
      returned.push(new Desk().handle());
      // ERROR set by the user on the active span holds too.
      returned.push(
        agentops.traceTool('tool_b', () => {
          trace.getActiveSpan()!.setStatus({ code: SpanStatusCode.ERROR, message: 'user says no' });
          return 'tool_b result';
        })(),
      );
      returned.push(agentops.traceTool('tool_ok', () => 'fine')());
    });
    expect(returned).toEqual(['action result', 'tool result', 'agent result', 'trace result', 'decorated result', 'tool_b result', 'fine']);
    for (const [name, label] of [
      ['action act', 'action'],
      ['execute_tool tool_a', 'tool'],
      ['invoke_agent helper', 'agent'],
      ['action traced', 'trace'],
      ['execute_tool decorated_tool', 'decorated'],
    ] as const) {
      const span = spans.find((s) => s.name === name)!;
      expect({ name, code: span.status.code }).toEqual({ name, code: ERROR });
      expect(span.events.filter((e) => e.name === 'exception').map((e) => e.attributes['exception.message'])).toEqual([`${label} went wrong`]);
    }
    const userSet = spans.find((s) => s.name === 'execute_tool tool_b')!;
    expect(userSet.status).toEqual({ code: ERROR, message: 'user says no' });
    expect(spans.find((s) => s.name === 'execute_tool tool_ok')!.status.code).toBe(OK);
  });
});

describe('the session on every span', () => {
  let run: InstrumentedRun;
  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });
  afterEach(async () => {
    await run.close();
  });

  it("the user's own tracer's spans and the AI SDK's carry session.id, gen_ai.conversation.id and user.id", async () => {
    // The AI SDK 7, recorded through @ai-sdk/otel (handed over: Jest's module system hides it from init()).
    run.init({ instrument: { aiSdk: otel } });
    const provider = createOpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
    const session = agentops.startSession({ sessionId: 'chat-1234', userId: 'u-9' });
    await session.run(async () => {
      trace.getTracer('my-app').startActiveSpan('my-work', (span) => {
        trace.getTracer('my-app').startSpan('my-child').end();
        span.end();
      });
      await generateText({ model: provider.chat('gpt-4o-mini'), prompt: 'hi' });
    });
    session.end();
    const spans = (await run.spans()).filter((s) => s.traceId === session.traceId);
    const names = spans.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['my-work', 'my-child', 'chat gpt-4o-mini', 'session']));
    // The AI SDK's own spans (the call around the model call, the step) are there too.
    expect(spans.length).toBeGreaterThanOrEqual(5);
    for (const s of spans) {
      expect({ name: s.name, session: s.attributes['session.id'], conversation: s.attributes['gen_ai.conversation.id'], user: s.attributes['user.id'] }).toEqual({
        name: s.name,
        session: 'chat-1234',
        conversation: 'chat-1234',
        user: 'u-9',
      });
    }
  });
});
