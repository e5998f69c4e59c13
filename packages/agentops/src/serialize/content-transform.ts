import type { Config } from '../config';
import type { SdkLogger } from '../log';
import { MASK_FAILED, Redactor } from './redact';
import { safeJson } from './safe-json';
import { truncate } from './truncate';

/**
 * What every captured content string goes through before it is recorded: built-in redaction, then
 * the user's mask, which fails closed. Undefined when there is nothing to do (no per-value cost).
 */
export function contentTransform(config: Config, logger: SdkLogger): ((text: string, key: string) => string) | undefined {
  const redactor = config.redact ? new Redactor([config.apiKey]) : undefined;
  const mask = config.mask;
  const limit = config.spanLimits.attributeValueLengthLimit;
  if (!redactor && !mask) return undefined;
  return (text, key) => {
    const redacted = redactor ? redactor.redact(text) : text;
    if (!mask) return redacted;
    try {
      const out = mask(redacted, key);
      return typeof out === 'string' ? truncate(out, limit) : safeJson(out, limit) ?? '';
    } catch (err) {
      logger.once('mask:failed', 'warn', `the mask function threw (${err instanceof Error ? err.message : String(err)}); the value was replaced by "${MASK_FAILED}" (reported once)`);
      return MASK_FAILED;
    }
  };
}
