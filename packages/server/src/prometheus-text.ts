/**
 * `GET /metrics`: the metric points the SDKs sent to a project, in the Prometheus text format
 * (version 0.0.4), for a Prometheus server to scrape with the project's API key.
 *
 * Each stored series (a metric, its attributes, the sending process's resource and start time) is
 * read at its latest cumulative point, delta points are added up; series whose labels come out the
 * same (the same model sent by two processes) are added together. Labels are the point's attributes
 * plus `service_name` and `project`; label sets are bounded: at most MAX_LABELS attributes per
 * series and MAX_SERIES series per metric, the rest added into one series labelled
 * `otel_metric_overflow="true"`.
 */
import type { MetricPointRow } from './storage-rows';

const MAX_LABELS = 16;
const MAX_SERIES = 2000;

interface Series {
  labels: Record<string, string>;
  value: number;
  count: number;
  sum: number;
  buckets: number[] | undefined;
  bounds: number[] | undefined;
}

interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  series: Map<string, Series>;
}

export function prometheusText(rows: Iterable<MetricPointRow>, project: string): string {
  const families = new Map<string, Family>();
  for (const r of rows) {
    const type = r.type === 'histogram' ? 'histogram' : r.type === 'sum' && r.is_monotonic === 1 ? 'counter' : r.type === 'sum' || r.type === 'gauge' ? 'gauge' : undefined;
    if (type === undefined) continue; // exponential histograms and summaries have no text form here
    const base = metricName(r.name);
    const name = type === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
    let family = families.get(name);
    if (family === undefined) {
      family = { name, type, help: r.description, series: new Map() };
      families.set(name, family);
    }
    if (family.type !== type) continue; // one name, two types: the first one stands
    const labels = labelsOf(r, project, family.series.size >= MAX_SERIES);
    const bounds = type === 'histogram' ? numbers(r.explicit_bounds) : undefined;
    const key = JSON.stringify(labels) + (bounds ? `|${bounds.join(',')}` : '');
    let s = family.series.get(key);
    if (s === undefined && family.series.size >= MAX_SERIES) {
      const overflow = labelsOf(r, project, true);
      const okey = JSON.stringify(overflow) + (bounds ? `|${bounds.join(',')}` : '');
      s = family.series.get(okey);
      if (s === undefined) family.series.set(okey, (s = emptySeries(overflow, bounds)));
    } else if (s === undefined) family.series.set(key, (s = emptySeries(labels, bounds)));
    if (type === 'gauge' && r.type === 'gauge') s.value = r.value ?? 0;
    else s.value += r.value ?? 0;
    s.count += r.count ?? 0;
    s.sum += r.sum ?? 0;
    const counts = type === 'histogram' ? numbers(r.bucket_counts) : undefined;
    if (s.buckets !== undefined && counts !== undefined && counts.length === s.buckets.length) counts.forEach((c, i) => (s.buckets![i]! += c));
  }
  const out: string[] = [];
  for (const f of families.values()) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.series.values()) {
      if (f.type !== 'histogram') {
        out.push(`${f.name}${labelText(s.labels)} ${num(s.value)}`);
        continue;
      }
      let cumulative = 0;
      (s.bounds ?? []).forEach((le, i) => {
        cumulative += s.buckets?.[i] ?? 0;
        out.push(`${f.name}_bucket${labelText({ ...s.labels, le: num(le) })} ${cumulative}`);
      });
      out.push(`${f.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`, `${f.name}_sum${labelText(s.labels)} ${num(s.sum)}`, `${f.name}_count${labelText(s.labels)} ${s.count}`);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function emptySeries(labels: Record<string, string>, bounds: number[] | undefined): Series {
  return { labels, value: 0, count: 0, sum: 0, bounds, buckets: bounds ? new Array<number>(bounds.length + 1).fill(0) : undefined };
}

function labelsOf(r: MetricPointRow, project: string, overflow: boolean): Record<string, string> {
  const labels: Record<string, string> = {};
  const resource = parse(r.resource);
  const service = resource['service.name'];
  if (typeof service === 'string') labels.service_name = service;
  labels.project = project;
  if (overflow) {
    labels.otel_metric_overflow = 'true';
    return labels;
  }
  const attributes = parse(r.attributes);
  let n = 0;
  for (const key of Object.keys(attributes).sort()) {
    if (n++ >= MAX_LABELS) break;
    const v = attributes[key];
    const name = labelName(key);
    if (name === 'project' || name === 'service_name' || name === 'le') continue;
    labels[name] = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  }
  return labels;
}

function parse(json: string | null): Record<string, unknown> {
  if (json === null) return {};
  try {
    const v = JSON.parse(json) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function numbers(json: string | null): number[] | undefined {
  if (json === null) return undefined;
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'number' || (typeof x === 'string' && /^\d+$/.test(x))) ? v.map(Number) : undefined;
  } catch {
    return undefined;
  }
}

/** The OpenTelemetry-to-Prometheus name rules the SDK's exporter also follows. */
function metricName(name: string): string {
  const n = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_{2,}/g, '_');
  return /^[0-9]/.test(n) ? `_${n}` : n;
}

function labelName(key: string): string {
  const n = key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
  return /^[0-9]/.test(n) ? `_${n}` : n.startsWith('__') ? n.slice(1) : n;
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function num(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
}
