/** Runs a Node.js script in a child process (from the package folder, or `cwd`), with the SDK's variables cleared, and collects its output. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SDK_ENV_CLEAR } from '../../../../testing/env';

const packageRoot = join(__dirname, '..', '..');

export function runNode(args: string[], env: Record<string, string | undefined>, cwd = packageRoot): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...SDK_ENV_CLEAR, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
