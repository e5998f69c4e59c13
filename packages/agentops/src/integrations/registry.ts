/** The supported libraries, and which of them a value handed to `instrument()` belongs to. */
import { anthropicIntegration } from './anthropic/patch';
import type { Integration, TargetKind } from './integration';
import { openAIIntegration } from './openai/patch';

export const INTEGRATIONS: readonly Integration[] = [openAIIntegration, anthropicIntegration];

/** The integration that recognises `value`, with what the value is to it. */
export function integrationFor(value: unknown): { integration: Integration; kind: TargetKind } | undefined {
  for (const integration of INTEGRATIONS) {
    const kind = integration.recognise(value);
    if (kind !== undefined) return { integration, kind };
  }
  return undefined;
}

export function integrationNamed(name: string): Integration | undefined {
  return INTEGRATIONS.find((i) => i.name === name);
}

export function isOpenAITarget(v: unknown): boolean {
  return openAIIntegration.recognise(v) !== undefined;
}

export function isAnthropicTarget(v: unknown): boolean {
  return anthropicIntegration.recognise(v) !== undefined;
}
