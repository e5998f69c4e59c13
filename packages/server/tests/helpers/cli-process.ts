/**
 * Runs the built `agentops` command (dist/cli.js, as `npm test` builds it first) as a child
 * process and reads what it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

export interface ServeProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The `export NAME=value` lines of the banner. */
  env: Record<string, string>;
  /** Sends SIGINT and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `agentops serve ...args` and resolves once it printed its banner (or rejects when it exits first). */
export function serve(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise<ServeProcess>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (!out.includes('Press Ctrl-C to stop.')) return;
      const env: Record<string, string> = {};
      for (const m of out.matchAll(/^ {2}export ([A-Z_]+)=(\S+)/gm)) env[m[1]!] = m[2]!;
      resolve({
        child,
        env,
        stdout: () => out,
        stderr: () => err,
        stop: () => {
          child.kill('SIGINT');
          return exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`agentops serve exited with ${code} before it was ready:\n${out}\n${err}`)));
  });
}

/** Runs `agentops ...args` to completion. */
export function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
