/**
 * Sessions across services: this agent calls a tool service running in another process over
 * HTTP, passing its session along in the headers (`agentops.inject`). Both processes export to the
 * same collector; the result is one trace, the service's spans under the agent's tool span.
 *
 *   OTLP_EXPORTER_ENDPOINT=http://localhost:4318 npx tsx examples/distributed/agent.ts
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import * as agentops from 'agentops';

async function main(): Promise<void> {
  agentops.init({ serviceName: 'support-agent', autoStartSession: false });
  const service = fork(join(__dirname, 'tool-service.ts'), { execArgv: process.execArgv, stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => service.once('message', (m) => resolve((m as { port: number }).port)));

  const session = agentops.startSession({ name: 'support-conversation' });
  const order = await session.run(() =>
    session.trace(new agentops.ToolEvent({ name: 'lookup_order', params: { id: 42 } }), async () => {
      const res = await fetch(`http://127.0.0.1:${port}/orders/42`, { headers: agentops.inject({}) });
      return (await res.json()) as { id: number; status: string };
    }),
  );
  session.end('Success');
  console.log(`order ${order.id} is ${order.status}; session ${session.id}, trace ${session.traceId}`);

  service.send('stop');
  await new Promise((resolve) => service.once('exit', resolve));
  await agentops.shutdown();
}

void main();
