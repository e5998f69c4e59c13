/** agentops: records AI-agent sessions as OpenTelemetry traces. The public face: re-exports only. */
export {
  init,
  getClient,
  startSession,
  record,
  endSession,
  activeSession,
  flush,
  shutdown,
  stats,
  meter,
  endOnUncaught,
} from './api';
export { spanProcessors } from './span-processors';
export { inject, extract, continueSession } from './propagation';
export { logger, logContext } from './span-logger';
export { Client } from './client';
export type { ClientStats } from './client-stats';
export type { InitOptions, BatchOptions, DeliveryOptions, SpanLimitOptions, MetricsOptions, PricingEntry } from './config';
export { NoOpMeter, type Meter } from './metrics/meter';
export { PRICING_TABLE, type ModelPrice } from './metrics/pricing';
export type { SessionSummary } from './session/session-totals';
export { AgentOpsError, AgentOpsConfigError } from './errors';
export type { Logger, LogLevel } from './log';
export { Session, type SessionOptions, type EndState } from './session/session';
export { SessionIdGenerator } from './session/session-id-generator';
export { sessionIdToTraceId } from './session/trace-id';
export { Event, type EventInit, type EventType, type TimeInput } from './events/event';
export { LLMEvent, type LLMEventInit, type LLMParams } from './events/llm-event';
export { ToolEvent, type ToolEventInit } from './events/tool-event';
export { ActionEvent, type ActionEventInit } from './events/action-event';
export { ErrorEvent, type ErrorEventInit } from './events/error-event';
export type { DestinationStats, DropReason, MetricDestinationStats } from './export/destination-stats';
export { VERSION } from './version';
export { instrument, type InstrumentOptions } from './integrations/instrument';
export { aiSdkTelemetry, type AiSdkTelemetrySettings, type AiSdkTelemetryOptions } from './integrations/ai-sdk/telemetry';
export { AgentOpsCallbackHandler } from './integrations/langchain/handler';
export {
  traceAgent,
  traceTool,
  traceAction,
  traceOperation,
  traceSession,
  type TracedFunction,
  type AgentTraceOptions,
  type ToolTraceOptions,
  type SessionTraceOptions,
} from './wrappers/wrappers';
export { agent, tool, operation, session, type MethodTraceDecorator } from './wrappers/decorators';
