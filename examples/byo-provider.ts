/**
 * Bring your own OpenTelemetry: your TracerProvider, with your sampler and exporters, plus the
 * SDK's span processors and session id generator. Sessions keep trace id = session id.
 *
 *   npx tsx examples/byo-provider.ts
 */
import { trace } from '@opentelemetry/api';
import { BatchSpanProcessor, InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import * as agentops from 'agentops';
import { formatTree, fromReadable } from './support/span-tree';

async function main(): Promise<void> {
  const mine = new InMemorySpanExporter(); // stands for your own exporter (Jaeger, Tempo, ...)
  const provider = new TracerProvider({
    idGenerator: new agentops.SessionIdGenerator(),
    spanProcessors: [
      // The AgentOps backend (with AGENTOPS_API_KEY), OTLP_EXPORTER_ENDPOINT, cost and metrics.
      ...agentops.spanProcessors(),
      new BatchSpanProcessor({ exporter: mine }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  agentops.init({ tracerProvider: provider, autoStartSession: false });

  const session = agentops.startSession({ name: 'byo-provider' });
  session.record(new agentops.LLMEvent({ model: 'gpt-4o-mini', prompt: 'hi', completion: 'hello', promptTokens: 2, completionTokens: 1 }));
  session.end();

  await agentops.shutdown();
  await provider.forceFlush();
  console.log(`trace id ${session.traceId} == session id ${session.id.replace(/-/g, '')}`);
  console.log(formatTree(fromReadable(mine.getFinishedSpans())));
  await provider.shutdown();
}

void main();
