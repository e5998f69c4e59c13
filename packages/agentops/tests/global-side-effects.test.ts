/**
 * Loading and using the SDK leaves the process's `fetch` alone. undici's entry point, for one,
 * installs its Agent as the global dispatcher behind Node's built-in `fetch` (a non-configurable
 * property nobody could undo), which would change the connection pool under every HTTP call the
 * agent makes; the SDK sends over Node's own `http`. The built package is run in a child process so
 * no other test's imports can set that slot first; it authenticates with and exports to a loopback
 * vendor stub, so the real HTTP paths have run.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { OtlpReceiver } from '../../../testing/otlp-receiver';

const root = join(__dirname, '..');

const SCRIPT = `
const slot = () => globalThis[Symbol.for('undici.globalDispatcher.1')] !== undefined
  || globalThis[Symbol.for('undici.globalDispatcher.2')] !== undefined;
const seen = {};
const a = require('agentops');
require('@agentops/server');
seen.afterRequire = slot();
(async () => {
  // No automatic patching: it would load the LLM clients this repository declares, and openai 7
  // imports undici when it is installed (its own doing, not the SDK's).
  const client = a.init({ apiKey: 'key-abcdef', apiEndpoint: process.env.VENDOR, exporterEndpoint: process.env.VENDOR + '/v1/traces', logLevel: 'silent', instrument: false });
  a.record(new a.ActionEvent({ actionType: 'probe' }));
  await a.shutdown(5000);
  seen.afterExport = slot();
  seen.sent = client.stats().destinations.vendor.spansSent;
  console.log(JSON.stringify(seen));
})();
`;

describe('global side effects', () => {
  let vendor: OtlpReceiver;

  beforeAll(async () => {
    vendor = await OtlpReceiver.start({ vendor: { apiKey: 'key-abcdef' } });
  });

  afterAll(async () => {
    await vendor.close();
  });

  it("neither loading nor exporting replaces the global dispatcher behind Node's fetch", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', SCRIPT], {
      cwd: root,
      env: { ...process.env, ...SDK_ENV_CLEAR, VENDOR: vendor.url, NODE_OPTIONS: '' },
    });
    const seen = JSON.parse(stdout) as { afterRequire: boolean; afterExport: boolean; sent: number };
    expect(seen.afterRequire).toBe(false);
    expect(seen.afterExport).toBe(false);
    // The HTTP paths did run: the session and the action reached the vendor stub.
    expect(seen.sent).toBe(2);
    expect(vendor.spans().map((s) => s.name).sort()).toEqual(['action probe', 'session']);
  });
});
