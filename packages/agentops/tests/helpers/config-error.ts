import type * as agentops from '../../src';
import { AgentOpsConfigError } from '../../src';
import { resolveConfig } from '../../src/config';
import { SdkLogger } from '../../src/log';

const quiet = new SdkLogger('silent');

/** The AgentOpsConfigError that resolving `options` throws; fails the test when none is thrown. */
export function configError(options: unknown): AgentOpsConfigError {
  try {
    resolveConfig(options as agentops.InitOptions, {}, quiet);
  } catch (err) {
    if (err instanceof AgentOpsConfigError) return err;
    throw err;
  }
  throw new Error(`no error for ${JSON.stringify(options)}`);
}
