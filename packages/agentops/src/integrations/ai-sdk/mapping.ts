/**
 * How the AI SDK's spans map to the GenAI conventions: which of them are model calls and tool
 * calls, which of their attributes carry content, the provider names, and its prompt messages in
 * the shapes `events/messages.ts` reads. Two kinds of spans: those the AI SDK 5 and 6 make
 * (`ai.generateText.doGenerate`, `ai.*` attributes), and those `@ai-sdk/otel` makes for the AI SDK 7
 * (`chat gpt-4o`, GenAI attributes already).
 */
export type Role = 'model' | 'embed' | 'tool' | 'other';

/** `ai`: the AI SDK 5 and 6's own spans; `gen_ai`: `@ai-sdk/otel`'s spans of the AI SDK 7. */
export type Dialect = 'ai' | 'gen_ai';

/** The role of an AI SDK 5 or 6 span, by its name. */
export function roleOf(name: string): Role {
  if (name === 'ai.toolCall') return 'tool';
  if (name.endsWith('.doEmbed')) return 'embed';
  if (name.endsWith('.doGenerate') || name.endsWith('.doStream')) return 'model';
  return 'other';
}

/**
 * Where agentops' `enrichSpan` hands `@ai-sdk/otel`'s span type (`languageModel`, `embedding`,
 * `tool`, `operation`, ...) to its tracer. Read when the span starts, never recorded.
 */
export const SPAN_TYPE_KEY = 'agentops.internal.ai_sdk.span_type';

/**
 * The role of an `@ai-sdk/otel` span, by the span type it was started for (or, when it gave none, its
 * operation): the model calls and tool executions; an `embed()` call's own span, around its model
 * calls, is not a model call.
 */
export function genAiRoleOf(spanType: unknown, operation: unknown): Role {
  switch (spanType) {
    case 'languageModel':
      return 'model';
    case 'embedding':
      return 'embed';
    case 'tool':
      return 'tool';
    case undefined:
      return operation === 'chat' ? 'model' : operation === 'execute_tool' ? 'tool' : 'other';
    default:
      return 'other';
  }
}

// AI SDK attributes that carry content (prompts, outputs, tool definitions, arguments and
// results, embedded values): dropped when capture is off, redacted when it is on.
export const CONTENT_KEYS = new Set([
  // @ai-sdk/otel (AI SDK 7)
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.definitions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'ai.request.text',
  'ai.schema',
  'ai.schema.description',
  'ai.decision.state',
  'ai.decision.questions',
  'ai.decision.answers',
  // the AI SDK 5 and 6 (and the same keys in @ai-sdk/otel)
  'ai.prompt',
  'ai.prompt.messages',
  'ai.prompt.tools',
  'ai.response.text',
  'ai.response.toolCalls',
  'ai.response.object',
  'ai.response.reasoning',
  'ai.toolCall.args',
  'ai.toolCall.result',
  'ai.value',
  'ai.values',
  'ai.embedding',
  'ai.embeddings',
  'ai.documents',
  'ai.ranking',
]);

// `ai.model.provider` is `openai.chat`, `anthropic.messages`, ...: its first part names the provider.
const PROVIDERS: Record<string, string> = {
  google: 'gcp.gemini',
  'google-vertex': 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  mistral: 'mistral_ai',
  'amazon-bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  xai: 'x_ai',
  azure: 'azure.ai.openai',
};

export function providerName(aiProvider: string): string {
  const first = aiProvider.split('.')[0] ?? aiProvider;
  return PROVIDERS[first] ?? first;
}

/** AI SDK prompt messages (`tool-call` / `tool-result` parts) -> the shapes messages.ts reads. */
export function fromAiSdkMessages(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  return messages.map((m: unknown) => {
    // A message whose content is a plain string is read as it is.
    if (m === null || typeof m !== 'object' || !Array.isArray((m as { content?: unknown }).content)) return m;
    const msg = m as { role?: unknown; content: unknown[] };
    const parts = msg.content.map((part: unknown) => {
      if (part === null || typeof part !== 'object') return part;
      const pt = part as Record<string, unknown>;
      if (pt.type === 'tool-call') return { type: 'tool_call', id: pt.toolCallId, name: pt.toolName, arguments: pt.input ?? pt.args };
      if (pt.type === 'tool-result') {
        const out = pt.output as { value?: unknown } | undefined;
        return { type: 'tool_call_response', id: pt.toolCallId, response: out !== null && typeof out === 'object' && 'value' in out ? out.value : pt.output ?? pt.result };
      }
      if (pt.type === 'reasoning') return { type: 'reasoning', content: pt.text };
      if (pt.type === 'text') return { type: 'text', content: pt.text };
      return part;
    });
    return { role: msg.role, parts };
  });
}
