/**
 * Real spans and metrics to send to the local backend: recorded by the SDK (spans) or an
 * OpenTelemetry MeterProvider (metrics), encoded by OpenTelemetry's own OTLP serializers, so the
 * backend is tested against the encodings real exporters produce.
 */
import { JsonMetricsSerializer, JsonTraceSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import * as agentops from '../packages/agentops/src';
import { recordSampleSession } from './workload';

/** Records `count` sample sessions with the SDK (no destination but memory) and returns their spans. */
export async function sampleSpans(count = 1, tag = 'fixture'): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  agentops.init({ autoStartSession: false, logLevel: 'silent', exporters: [memory] });
  for (let i = 0; i < count; i++) await recordSampleSession(agentops.startSession({ name: `${tag}-${i}`, tags: [tag] }), `${tag}${i}`);
  await agentops.flush(2000);
  const spans = [...memory.getFinishedSpans()];
  await agentops.shutdown(1000);
  return spans;
}

export function protobufTraces(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

export function jsonTraces(spans: ReadableSpan[]): Buffer {
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
}

/** One collection of a counter and a histogram. */
export async function sampleMetrics(): Promise<ResourceMetrics> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('fixture');
  meter.createCounter('agentops.tool.calls').add(3, { 'gen_ai.tool.name': 'search' });
  const h = meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' });
  h.record(12, { 'gen_ai.token.type': 'input' });
  h.record(30, { 'gen_ai.token.type': 'input' });
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

export function protobufMetrics(m: ResourceMetrics): Buffer {
  return Buffer.from(ProtobufMetricsSerializer.serializeRequest(m)!);
}

export function jsonMetrics(m: ResourceMetrics): Buffer {
  return Buffer.from(JsonMetricsSerializer.serializeRequest(m)!);
}
