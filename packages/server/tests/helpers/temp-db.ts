import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh directory under the OS temp dir for a test's database; `remove()` deletes it. */
export function tempDb(name = 'agentops.db'): { dir: string; file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentops-test-'));
  return { dir, file: path.join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
