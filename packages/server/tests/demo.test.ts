/**
 * `npm run demo -- --once` (the README's first command, without staying up): it runs a multi-agent
 * team on the OpenAI Agents SDK (triage agent, tool, handoff, billing agent) and the example support
 * agent against the embedded backend and prints each session tree read back from the REST API, the
 * totals and a viewer link, then exits on its own. On the current `openai` and, unchanged, on the
 * oldest supported major (its import resolved to the repository's alias by testing/oldest-majors.mjs).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SDK_ENV_CLEAR } from '../../../testing/env';
import { tempDb } from './helpers/temp-db';

const root = path.join(__dirname, '..', '..', '..');

function runDemo(db: string, extraEnv: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  for (const k of Object.keys(SDK_ENV_CLEAR)) delete env[k];
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', 'demo', '--', '--once', '--db', db], { cwd: root, env, timeout: 50_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const MAJORS: Array<[string, NodeJS.ProcessEnv, string[]]> = [
  ['openai 7 (current)', {}, []],
  ['openai 4 (oldest supported)', { NODE_OPTIONS: `--import ${path.join(root, 'testing', 'oldest-majors.mjs')}` }, ['openai openai-v4']],
];

describe.each(MAJORS)('npm run demo -- --once, %s', (_label, majorsEnv, redirected) => {
  const db = tempDb();
  afterAll(() => db.remove());

  it('prints the stored session tree, its totals and the viewer URL, and exits', async () => {
    const log = `${db.file}.majors`;
    const { code, stdout, stderr } = await runDemo(db.file, { ...majorsEnv, AGENTOPS_TEST_MAJORS_LOG: log });
    expect(redirected.length === 0 ? [] : readFileSync(log, 'utf8').trim().split('\n')).toEqual(redirected);
    expect({ code, stderr: stderr.replace(/npm warn .*\n?/g, '') }).toEqual({ code: 0, stderr: '' });
    const treeOf = (root: string): string[] =>
      stdout
        .slice(stdout.indexOf(`${root} (`), stdout.indexOf('\n\n', stdout.indexOf(`${root} (`)))
        .split('\n')
        .map((l) => l.replace(/\(\d+(\.\d+)? ms\)/, '(N ms)').replace(/\$\d+\.\d+/, '$X').replace(/tokens \d+->\d+/, 'tokens N->N'));
    // The first thing printed is the agent team.
    expect(stdout.indexOf('triage-desk (')).toBeLessThan(stdout.indexOf('support-bot ('));
    expect(treeOf('triage-desk')).toEqual([
      'triage-desk (N ms)  [Success]',
      '├─ invoke_agent Triage agent (N ms)',
      '│  ├─ chat gpt-5-mini (N ms)  [tokens N->N, $X]',
      '│  ├─ execute_tool lookup_order (N ms)',
      '│  ├─ chat gpt-5-mini (N ms)  [tokens N->N, $X]',
      '│  └─ handoff Triage agent -> Billing agent (N ms)',
      '└─ invoke_agent Billing agent (N ms)',
      '   └─ chat gpt-5-mini (N ms)  [tokens N->N, $X]',
    ]);
    // The stub's usage, each model call counted once.
    expect(stdout).toMatch(/^8 spans, 3 LLM calls, 1 tool calls, 0 error\(s\), 494 input \+ 63 output tokens, \$0\.\d{6}$/m);
    expect(stdout).toContain('agent team answered: Order 42 was charged twice');
    const lines = treeOf('support-bot');
    expect(lines).toEqual([
      'support-bot (N ms)  [Success]',
      '└─ action handle_ticket (N ms)',
      '   ├─ chat gpt-5-mini (N ms)  [tokens N->N, $X]',
      '   ├─ execute_tool lookup_order (N ms)',
      '   ├─ chat gpt-5-mini (N ms)  [tokens N->N, $X]',
      '   ├─ ✗ execute_tool issue_refund (N ms)  [error RefundNotAllowedError]',
      '   └─ chat gpt-5-mini (N ms)  [tokens N->N, $X]',
    ]);
    expect(stdout).toMatch(/^7 spans, 3 LLM calls, 2 tool calls, 1 error\(s\), \d+ input \+ \d+ output tokens, \$0\.\d{6}$/m);
    expect(stdout).toMatch(/^view it at http:\/\/127\.0\.0\.1:\d+\/sessions\?trace_id=[0-9a-f]{32}#key=aol_[\w-]+$/m);
    expect(stdout).toContain('agent answered: Your order 42 was delivered');
  });
});
