/**
 * Runs a decoder written as a generator (it yields after each span or data point) in slices of a
 * few milliseconds, handing the event loop back in between, so that decoding a large request
 * never holds up the server's other requests (health checks, reads, smaller exports) for long.
 */
import type { RequestBudget } from '../ingest-limits';

/** Time a decoder may run before it lets the event loop serve other requests. */
const SLICE_MS = 8;

/** Runs `steps` to the end; stops with `LimitError` once the budget's deadline has passed. */
export async function runSliced(steps: Iterable<void>, budget: RequestBudget): Promise<void> {
  let sliceStart = performance.now();
  for (const _ of steps) {
    if (performance.now() - sliceStart < SLICE_MS) continue;
    budget.checkTime();
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  }
  budget.checkTime();
}

/** Runs `steps` to the end in one go. */
export function runAll(steps: Iterable<void>): void {
  for (const _ of steps);
}
