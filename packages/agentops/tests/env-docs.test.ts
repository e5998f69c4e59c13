/**
 * The table of OpenTelemetry variables in docs/configuration.md names every `OTEL_*` variable the
 * SDK's sources read, so the documented status cannot fall behind the code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

it('every OTEL_ variable read by the SDK is in the configuration table', () => {
  const docs = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
  const table = docs.slice(docs.indexOf('## The OpenTelemetry environment variables'), docs.indexOf('## What `init()` does'));
  expect(table.length).toBeGreaterThan(100);
  const read = new Set<string>();
  for (const file of sources(path.join(__dirname, '..', 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'(OTEL_[A-Z_]*[A-Z])'/g)) read.add(m[1]!);
  }
  expect(read.size).toBeGreaterThan(15);
  const missing = [...read].filter((v) => !table.includes(`\`${v}\``));
  expect(missing).toEqual([]);
});
