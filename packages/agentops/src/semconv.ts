/**
 * Attribute names. `gen_ai.*` and the general ones follow the OpenTelemetry semantic conventions
 * (checked against `@opentelemetry/semantic-conventions/incubating` by tests/semconv.test.ts; kept
 * as plain strings here so the SDK does not load that 1 MB module at startup). `agentops.*` carry
 * what the conventions do not.
 */

export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
export const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions';
export const GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';
export const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const GEN_AI_TOOL_DESCRIPTION = 'gen_ai.tool.description';
export const GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const GEN_AI_AGENT_ID = 'gen_ai.agent.id';
export const GEN_AI_AGENT_DESCRIPTION = 'gen_ai.agent.description';
export const GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';

export const GEN_AI_OPERATION_CHAT = 'chat';
export const GEN_AI_OPERATION_TEXT_COMPLETION = 'text_completion';
export const GEN_AI_OPERATION_EMBEDDINGS = 'embeddings';
export const GEN_AI_OPERATION_EXECUTE_TOOL = 'execute_tool';
export const GEN_AI_OPERATION_INVOKE_AGENT = 'invoke_agent';

export const ERROR_TYPE = 'error.type';
export const HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const SESSION_ID = 'session.id';
export const USER_ID = 'user.id';
export const SERVICE_NAME = 'service.name';
export const SERVICE_VERSION = 'service.version';
export const HOST_NAME = 'host.name';
export const DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

export const AGENTOPS_SPAN_KIND = 'agentops.span.kind';
export const AGENTOPS_EVENT_TYPE = 'agentops.event.type';
export const AGENTOPS_EVENT_ID = 'agentops.event.id';
export const AGENTOPS_TAGS = 'agentops.tags';
export const AGENTOPS_SESSION_END_STATE = 'agentops.session.end_state';
export const AGENTOPS_SESSION_END_REASON = 'agentops.session.end_reason';
export const AGENTOPS_LLM_COST_USD = 'agentops.llm.cost_usd';
export const AGENTOPS_ACTION_TYPE = 'agentops.action.type';
export const AGENTOPS_ACTION_PARAMS = 'agentops.action.params';
export const AGENTOPS_ACTION_RETURNS = 'agentops.action.returns';
export const AGENTOPS_ACTION_LOGS = 'agentops.action.logs';
export const AGENTOPS_ERROR_CODE = 'agentops.error.code';
export const AGENTOPS_ERROR_DETAILS = 'agentops.error.details';
export const AGENTOPS_ERROR_TRIGGER_EVENT_ID = 'agentops.error.trigger_event_id';
export const AGENTOPS_SPAN_ABANDONED = 'agentops.span.abandoned';
/** The span was above the request byte budget: its largest values were cut to send it. */
export const AGENTOPS_SPAN_TRUNCATED = 'agentops.span.truncated';
/** Set on a span whose event could not be read in full (a field threw); the rest was recorded. */
export const AGENTOPS_RECORD_INCOMPLETE = 'agentops.record.incomplete';
export const AGENTOPS_OPERATION_INPUT = 'agentops.operation.input';
export const AGENTOPS_OPERATION_OUTPUT = 'agentops.operation.output';
/** How a streamed result ended: `completed`, `cancelled` (the consumer stopped), `aborted` (AbortController) or `error`. */
export const AGENTOPS_STREAM_OUTCOME = 'agentops.stream.outcome';

export const EXCEPTION_TYPE = 'exception.type';
export const EXCEPTION_MESSAGE = 'exception.message';
export const EXCEPTION_STACKTRACE = 'exception.stacktrace';

export const AGENTOPS_SESSION_LLM_CALLS = 'agentops.session.llm_calls';
export const AGENTOPS_SESSION_TOOL_CALLS = 'agentops.session.tool_calls';
export const AGENTOPS_SESSION_ERRORS = 'agentops.session.errors';
export const AGENTOPS_SESSION_INPUT_TOKENS = 'agentops.session.input_tokens';
export const AGENTOPS_SESSION_OUTPUT_TOKENS = 'agentops.session.output_tokens';
export const AGENTOPS_SESSION_COST_USD = 'agentops.session.cost_usd';

export const METRIC_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_LLM_COST = 'agentops.llm.cost';
export const METRIC_TOOL_CALLS = 'agentops.tool.calls';
export const METRIC_SESSIONS = 'agentops.sessions';
export const METRIC_SESSION_DURATION = 'agentops.session.duration';
export const METRIC_SPANS_DROPPED = 'agentops.spans.dropped';
