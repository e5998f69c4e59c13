/**
 * Attribute names of the OpenTelemetry MCP semantic conventions (and the JSON-RPC, RPC and network
 * ones they use), checked against `@opentelemetry/semantic-conventions/incubating` by
 * tests/mcp-attributes.test.ts. `agentops.mcp.*` carry the content the conventions name no
 * attribute for.
 */
export const MCP_METHOD_NAME = 'mcp.method.name';
export const MCP_SESSION_ID = 'mcp.session.id';
export const MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
export const MCP_RESOURCE_URI = 'mcp.resource.uri';
export const JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
export const RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';
export const GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
export const NETWORK_TRANSPORT = 'network.transport';
export const NETWORK_PROTOCOL_NAME = 'network.protocol.name';
export const SERVER_ADDRESS = 'server.address';
export const SERVER_PORT = 'server.port';

/** The request's parameters (without `_meta`) of the methods whose result is content (below); content capture only. */
export const AGENTOPS_MCP_PARAMS = 'agentops.mcp.params';
/** The result of `prompts/get`, `resources/read`, `completion/complete`, `sampling/createMessage`, `elicitation/create`; content capture only. */
export const AGENTOPS_MCP_RESULT = 'agentops.mcp.result';

/** `error.type` of a `tools/call` whose result says `isError: true` (the conventions' value). */
export const TOOL_ERROR = 'tool_error';
