/**
 * Next to another SDK that owns the global OpenTelemetry provider (Sentry, Next.js, Datadog...):
 * `global: false` gives agentops its own provider and context, and touches none of the globals.
 *
 *   npx tsx examples/isolated.ts
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import * as agentops from 'agentops';

async function main(): Promise<void> {
  // The other SDK, registered first.
  const theirs = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: theirs })] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

  const ours = new InMemorySpanExporter();
  agentops.init({ global: false, exporters: [ours], autoStartSession: false });

  const session = agentops.startSession({ name: 'isolated-session' });
  session.run(() => {
    agentops.record(new agentops.ToolEvent({ name: 'search' }));
    trace.getTracer('other-sdk').startSpan('their-request').end();
  });
  session.end();
  await agentops.flush();

  console.log('agentops got:', ours.getFinishedSpans().map((s) => s.name));
  console.log('the other SDK got:', theirs.getFinishedSpans().map((s) => s.name));
  await agentops.shutdown();
}

void main();
