/** The supported libraries, and which of them a value handed to `instrument()` belongs to. */
import { aiSdkIntegration } from './ai-sdk/otel';
import { anthropicIntegration } from './anthropic/patch';
import { bedrockIntegration } from './bedrock/patch';
import { claudeAgentSdkIntegration } from './claude-agent-sdk/patch';
import { googleGenAIIntegration } from './google-genai/patch';
import type { Integration, TargetKind } from './integration';
import { langchainIntegration } from './langchain/patch';
import { mastraIntegration } from './mastra/patch';
import { mcpIntegration } from './mcp/patch';
import { openAIIntegration } from './openai/patch';
import { openAIAgentsIntegration } from './openai-agents/patch';

export const INTEGRATIONS: readonly Integration[] = [openAIIntegration, anthropicIntegration, googleGenAIIntegration, bedrockIntegration, mcpIntegration, aiSdkIntegration, openAIAgentsIntegration, langchainIntegration, claudeAgentSdkIntegration, mastraIntegration];

/** The integration that recognises `value`, with what the value is to it. */
export function integrationFor(value: unknown): { integration: Integration; kind: TargetKind } | undefined {
  for (const integration of INTEGRATIONS) {
    const kind = integration.recognise(value);
    if (kind !== undefined) return { integration, kind };
  }
  return undefined;
}
