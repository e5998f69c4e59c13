/** Options + environment -> one validated Config: what the rest of the SDK imports from `./config`. */
export { resolveConfig, resolveLogger } from './resolve';
export type { Config, PropagatorName, SamplingSpec } from './config';
export type { Env } from './env';
export type { BatchOptions, DeliveryOptions, InitOptions, MetricsOptions, PricingEntry, SpanLimitOptions } from './options';
