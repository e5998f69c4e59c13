/**
 * Span names obey the same rules as attribute values: at most the attribute length limit (with the
 * truncation marker), through the redactor and the user's mask. A name is as much the user's text
 * as a prompt: a tool named after its input, a secret in an operation name.
 */
import type { Config } from '../config';
import type { SdkLogger } from '../log';
import { contentTransform } from './content-transform';
import { truncate } from './truncate';

export type NameCleaner = (name: string) => string;

export function spanNameCleaner(config: Config, logger: SdkLogger): NameCleaner {
  const limit = config.spanLimits.attributeValueLengthLimit;
  const transform = contentTransform(config, logger);
  return (name) => {
    const cut = name.length > limit ? truncate(name, limit) : name;
    return transform ? transform(cut, 'span.name') : cut;
  };
}
