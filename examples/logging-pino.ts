/**
 * Logs correlated with sessions: pino lines carry trace_id, span_id and session_id; the same lines
 * can also become span events through agentops.logger.
 *
 *   npx tsx examples/logging-pino.ts
 */
import pino from 'pino';
import * as agentops from 'agentops';

const log = pino({ mixin: () => agentops.logContext() });

async function main(): Promise<void> {
  agentops.init({ exporters: ['console'], autoStartSession: false, metrics: false });
  const session = agentops.startSession({ name: 'logged-session' });
  await session.run(async () => {
    log.info('starting');                                     // has trace_id, span_id, session_id
    await session.trace(new agentops.ToolEvent({ name: 'search' }), async () => {
      log.info({ query: 'refund policy' }, 'searching');       // span_id of the tool span
      agentops.logger.warn('index is stale', { 'index.age_s': 3600 }); // a span event on the tool span
    });
  });
  log.info('done');                                           // outside the session: no ids
  session.end();
  await agentops.shutdown();
}

void main();
