/**
 * Prints spans as an indented tree, one line per span with its duration and key attributes, so the
 * examples can show what a session looks like without any backend.
 */
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

export interface TreeSpan {
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  startMs: number;
  durationMs: number;
  error: boolean;
  attributes: Record<string, unknown>;
}

export function fromReadable(spans: readonly ReadableSpan[]): TreeSpan[] {
  return spans.map((s) => ({
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    name: s.name,
    startMs: hrTimeToMilliseconds(s.startTime),
    durationMs: hrTimeToMilliseconds(s.duration),
    error: s.status.code === 2,
    attributes: s.attributes,
  }));
}

function detail(a: Record<string, unknown>): string {
  const bits: string[] = [];
  if (a['gen_ai.usage.input_tokens'] !== undefined) bits.push(`tokens ${a['gen_ai.usage.input_tokens']}->${a['gen_ai.usage.output_tokens'] ?? 0}`);
  if (a['agentops.llm.cost_usd'] !== undefined) bits.push(`$${Number(a['agentops.llm.cost_usd']).toFixed(6)}`);
  if (a['agentops.session.end_state'] !== undefined) bits.push(String(a['agentops.session.end_state']));
  if (a['error.type'] !== undefined) bits.push(`error ${a['error.type']}`);
  return bits.length ? `  [${bits.join(', ')}]` : '';
}

export function formatTree(spans: readonly TreeSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, TreeSpan[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(s);
    children.set(parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, prefix: string): void => {
    const list = (children.get(parent) ?? []).sort((a, b) => a.startMs - b.startMs);
    list.forEach((s, i) => {
      const last = i === list.length - 1;
      const branch = parent === undefined ? '' : last ? '└─ ' : '├─ ';
      lines.push(`${prefix}${branch}${s.error ? '✗ ' : ''}${s.name} (${s.durationMs.toFixed(1)} ms)${detail(s.attributes)}`);
      walk(s.spanId, parent === undefined ? prefix : prefix + (last ? '   ' : '│  '));
    });
  };
  walk(undefined, '');
  return lines.join('\n');
}
