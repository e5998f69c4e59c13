/**
 * Acceptance (interop): agentops.logger adds span events to the active span with their level and
 * attributes, and forwards lines; the pino mixin puts the ids on every line written inside a session.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import * as agentops from '../src';
import type { OtlpReceiver } from '../../../testing/otlp-receiver';
import { useCollector } from './helpers/use-collector';

describe('logs correlated with sessions', () => {
  const collector = useCollector();
  let receiver: OtlpReceiver;
  beforeEach(() => {
    receiver = collector();
  });

  it('adds log events to the right spans, with level and attributes, and forwards them', async () => {
    const forwarded: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const forward = {
      debug: (m: string, a?: Record<string, unknown>) => forwarded.push(['debug', m, a]),
      info: (m: string, a?: Record<string, unknown>) => forwarded.push(['info', m, a]),
      warn: (m: string, a?: Record<string, unknown>) => forwarded.push(['warn', m, a]),
      error: (m: string, a?: Record<string, unknown>) => forwarded.push(['error', m, a]),
    };
    agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false, forwardLogs: forward });
    const s = agentops.startSession({ name: 'logged' });
    await s.run(async () => {
      agentops.logger.info('planning', { 'plan.steps': 3 });
      await s.trace(new agentops.ToolEvent({ name: 'search' }), async () => {
        agentops.logger.warn('slow index', { 'index.name': 'docs', 'latency.ms': 812 });
        agentops.logger.error(`token ${'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'} leaked?`);
      });
    });
    agentops.logger.info('outside any session');
    s.end();
    await agentops.flush(2000);
    const spans = receiver.spans();
    const root = spans.find((x) => x.name === 'logged')!;
    expect(root.events.map((e) => e.attributes)).toEqual([{ 'log.severity': 'INFO', 'log.message': 'planning', 'plan.steps': 3 }]);
    const tool = spans.find((x) => x.name === 'execute_tool search')!;
    expect(tool.events.map((e) => [e.name, e.attributes['log.severity'], e.attributes['log.message']])).toEqual([
      ['log', 'WARN', 'slow index'],
      ['log', 'ERROR', 'token <redacted:openai-key> leaked?'],
    ]);
    expect(tool.events[0]!.attributes).toMatchObject({ 'index.name': 'docs', 'latency.ms': 812 });
    expect(forwarded.map((f) => [f[0], f[1]])).toContainEqual(['warn', 'slow index']);
    const warnLine = forwarded.find((f) => f[1] === 'slow index')!;
    expect(warnLine[2]).toMatchObject({ 'index.name': 'docs', trace_id: s.traceId, session_id: s.id, span_id: tool.spanId });
    expect(forwarded.find((f) => f[1] === 'outside any session')![2]).toEqual({});
  });

  it('the pino mixin puts trace_id, span_id and session_id on every line written inside a session', async () => {
    agentops.init({ autoStartSession: false, logLevel: 'silent', metrics: false });
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    const log = pino({ mixin: () => agentops.logContext() }, sink);
    const s = agentops.startSession();
    log.info('before');
    await s.run(async () => {
      log.info('inside');
      await s.trace(new agentops.ActionEvent({ actionType: 'step' }), async () => {
        await new Promise((r) => setTimeout(r, 2));
        log.info('in step');
      });
    });
    log.info('after');
    s.end();
    await new Promise((r) => setImmediate(r));
    const byMsg = Object.fromEntries(lines.map((l) => [l.msg, l]));
    expect(byMsg.before!.trace_id).toBeUndefined();
    expect(byMsg.after!.trace_id).toBeUndefined();
    for (const m of ['inside', 'in step']) {
      expect(byMsg[m]).toMatchObject({ trace_id: s.traceId, session_id: s.id });
      expect(byMsg[m]!.span_id).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(byMsg.inside!.span_id).toBe(s.span.spanContext().spanId);
    expect(byMsg['in step']!.span_id).not.toBe(s.span.spanContext().spanId);
  });
});
