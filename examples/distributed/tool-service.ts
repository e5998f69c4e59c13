/**
 * A tool service in its own process: it continues the caller's session from the request headers,
 * so its spans land in the caller's trace, under the caller's tool span.
 *
 * Started by agent.ts; sends its port to the parent process (or prints it when run alone).
 */
import { createServer } from 'node:http';
import * as agentops from 'agentops';

agentops.init({ serviceName: 'order-service', autoStartSession: false });

const server = createServer((req, res) => {
  void agentops.continueSession(req.headers, async () => {
    const session = agentops.activeSession()!;
    const order = await session.trace(new agentops.ActionEvent({ actionType: 'load_order' }), async () => {
      session.record(new agentops.ToolEvent({ name: 'orders_db', params: { id: 42 }, returns: { id: 42, status: 'shipped' } }));
      // A log line becomes an event of the active span: here, this service's own action span.
      agentops.logger.info('order served', { 'order.id': 42 });
      return { id: 42, status: 'shipped' };
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(order));
  });
});

server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as { port: number }).port;
  if (process.send) process.send({ port });
  else console.log(`tool service on http://127.0.0.1:${port}`);
});

process.on('message', (m) => {
  if (m === 'stop') server.close(() => void agentops.shutdown().then(() => process.disconnect()));
});
