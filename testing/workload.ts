import * as agentops from '../packages/agentops/src';

/** Records a small but complete session: an LLM call, a tool nested in an action, a failed tool. Returns the span count. */
export async function recordSampleSession(session: agentops.Session, tag = 'x'): Promise<number> {
  await session.run(async () => {
    session.record(new agentops.LLMEvent({ model: 'gpt-4o-mini', prompt: `hello ${tag}`, completion: 'hi', promptTokens: 3, completionTokens: 1 }));
    await session.trace(new agentops.ActionEvent({ actionType: 'search' }), async () => {
      await new Promise((r) => setImmediate(r));
      session.record(new agentops.ToolEvent({ name: 'web_search', params: { q: tag }, returns: ['a', 'b'] }));
    });
    session.record(new agentops.ErrorEvent({ trigger: new agentops.ToolEvent({ name: 'flaky' }), exception: new Error('flaked') }));
  });
  session.end('Success');
  return 5;
}
