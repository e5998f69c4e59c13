/**
 * Whole-session sampling. The decision is made on the session span (a root) from its trace id, and
 * every child follows its parent, so a session is kept or dropped as a whole. Trace-id ratio
 * sampling is deterministic: another process continuing the session, or recomputing it from the
 * same session id, decides the same way.
 */
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace';
import type { SamplingSpec } from './config';

export function buildSampler(spec: SamplingSpec): Sampler {
  if (spec.kind === 'custom') return new ParentBasedSampler({ root: spec.sampler });
  const root = spec.kind === 'always_off' ? new AlwaysOffSampler() : spec.ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(spec.ratio);
  return spec.parentBased ? new ParentBasedSampler({ root }) : root;
}
