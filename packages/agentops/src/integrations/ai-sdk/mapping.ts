/**
 * How the AI SDK's spans map to the GenAI conventions: which of them are model calls and tool
 * calls, which of their attributes carry content, the provider names, and its prompt messages in
 * the shapes `events/messages.ts` reads.
 */
export type Role = 'model' | 'embed' | 'tool' | 'other';

export function roleOf(name: string): Role {
  if (name === 'ai.toolCall') return 'tool';
  if (name.endsWith('.doEmbed')) return 'embed';
  if (name.endsWith('.doGenerate') || name.endsWith('.doStream')) return 'model';
  return 'other';
}

// AI SDK attributes that carry content: dropped when capture is off.
export const CONTENT_KEYS = new Set([
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
