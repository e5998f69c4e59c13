/** Acceptance (core SDK): no API key and no exporters: init() warns once, the agent runs unchanged. */
import * as agentops from '../src';
import { CaptureLogger } from '../../../testing/capture-logger';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';

describe('no API key and no exporters', () => {
  let restoreEnv: () => void;
  beforeEach(() => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
  });
  afterEach(async () => {
    await agentops.shutdown(500);
    restoreEnv();
  });

  it('warns once and the agent runs unchanged', async () => {
    const logger = new CaptureLogger();
    const client = agentops.init({ logger });
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(logger.lines[0]!.message).toMatch(/no API key/);

    // Recording opens the automatic session; it works, returns nothing and throws nothing.
    expect(client.autoSession).toBeUndefined();
    const result = await (async () => {
      agentops.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: 'hi' }));
      agentops.record(new agentops.ToolEvent({ name: 't' }));
      return 42;
    })();
    expect(result).toBe(42);
    expect(client.autoSession).toBeDefined();
    expect(await agentops.flush(500)).toBe(true);
    await agentops.shutdown(500);
    expect(client.autoSession!.endState).toBe('Indeterminate');
    expect(client.autoSession!.endReason).toBe('shutdown');
    expect(logger.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toHaveLength(1);
  });
});
