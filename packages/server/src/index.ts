/** @agentops/server: the local backend and session viewer. Re-exports only. */
export { startServer, LocalServer, isLoopbackHost, DEFAULT_PORT, DEFAULT_DB_PATH, type ServerOptions } from './server';
export { AgentOpsServerError } from './server-error';
export type { Project, ProjectWithKeys } from './storage-rows';
export type { SessionSummary, SpanView, SpanNode, Totals, SpanEventView } from './session-view';
