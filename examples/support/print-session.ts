/** The end of an example: flush, then print the session's id and its spans as a tree. */
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from 'agentops';
import { formatTree, fromReadable } from './span-tree';

export async function printSession(session: agentops.Session, collected: InMemorySpanExporter): Promise<void> {
  await agentops.flush();
  console.log(`\nsession ${session.id}\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
}
