/**
 * Amazon Bedrock names a model `{vendor}.{model}-v{n}:{m}`, optionally behind a cross-Region
 * inference profile (`us.`, `eu.`, `apac.`, `global.` ...) or inside an ARN:
 * `us.anthropic.claude-3-5-haiku-20241022-v1:0` is Anthropic's `claude-3-5-haiku-20241022`. The
 * price table is keyed by the vendor's own ids, so a Bedrock id is priced through these names.
 */

// Only vendors Bedrock hosts: a dotted id of another kind (`gpt-5.5`) is left alone.
const BEDROCK_ID =
  /^(?:(?:us|us-gov|eu|apac|ap|jp|au|ca|global)\.)?((?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer|google|moonshot|moonshotai|minimax|nvidia)\.(.+))$/;
// `-v1:0`, `-v2`, `:0`, and a provisioned context variant such as `:0:200k`.
const VERSION = /(?:-v\d+)?(?::\d+)?(?::\d+k)?$/;

/**
 * The names to look a Bedrock model id up by, most specific first: the foundation model id (the
 * Region prefix dropped) and the vendor's model id. Empty when `id` (lower case, ARN path already
 * dropped) is not a Bedrock model id.
 */
export function bedrockPriceNames(id: string): string[] {
  const m = BEDROCK_ID.exec(id);
  if (m === null) return [];
  const base = m[2]!.replace(VERSION, '');
  return base === '' ? [m[1]!] : [m[1]!, base];
}
