/** Recognises what `instrument()` and `init({ instrument })` are handed: a client, a class, or a module namespace. */
import { anthropicClass, looksLikeAnthropicClient } from './anthropic';
import { looksLikeOpenAIClient, openAIClass } from './openai';

export type TargetKind = 'openai-client' | 'openai-class' | 'anthropic-client' | 'anthropic-class';

export function targetKind(v: unknown): TargetKind | undefined {
  try {
    if (looksLikeOpenAIClient(v)) return 'openai-client';
    if (looksLikeAnthropicClient(v)) return 'anthropic-client';
    if (openAIClass(v) !== undefined) return 'openai-class';
    if (anthropicClass(v) !== undefined) return 'anthropic-class';
  } catch {
    // A hostile object (throwing getters) is simply not a target.
  }
  return undefined;
}

export function isOpenAITarget(v: unknown): boolean {
  const k = targetKind(v);
  return k === 'openai-client' || k === 'openai-class';
}

export function isAnthropicTarget(v: unknown): boolean {
  const k = targetKind(v);
  return k === 'anthropic-client' || k === 'anthropic-class';
}
