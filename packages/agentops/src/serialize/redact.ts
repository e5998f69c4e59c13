/**
 * Built-in secret redaction for captured content: provider API keys, bearer tokens, AWS keys,
 * private keys and the SDK's own API key never leave the process inside a prompt, a tool argument
 * or an exception message.
 */

interface Rule {
  readonly name: string;
  readonly pattern: RegExp;
  /** Replacement; `$1` keeps a captured prefix such as `Bearer `. */
  readonly replace: string;
}

const RULES: readonly Rule[] = [
  { name: 'private-key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g, replace: '<redacted:private-key>' },
  { name: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, replace: '<redacted:anthropic-key>' },
  { name: 'openai-key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, replace: '<redacted:openai-key>' },
  { name: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, replace: '<redacted:stripe-key>' },
  { name: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: '<redacted:google-api-key>' },
  { name: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g, replace: '<redacted:aws-access-key-id>' },
  {
    name: 'aws-secret-access-key',
    pattern: /(aws_secret_access_key|aws_secret|secretAccessKey|SecretAccessKey)(["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}/g,
    replace: '$1$2<redacted:aws-secret-access-key>',
  },
  { name: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g, replace: '<redacted:github-token>' },
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: '<redacted:slack-token>' },
  { name: 'huggingface-token', pattern: /\bhf_[A-Za-z0-9]{30,}/g, replace: '<redacted:huggingface-token>' },
  { name: 'bearer-token', pattern: /\b(Bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/gi, replace: '$1<redacted:bearer-token>' },
];

// One cheap scan decides whether any rule can match; most content has none of these markers, and
// then no rule runs at all (the common case costs one regex test over the text).
const TRIGGER = /sk-|sk_|rk_|AIza|AKIA|ASIA|AGPA|AIDA|AROA|ecret|gh[pousr]_|github_pat_|xox|hf_|bearer|PRIVATE KEY/i;

export class Redactor {
  private readonly secrets: readonly string[];

  /** `secrets`: exact strings (the configured API key) to redact wherever they appear. */
  constructor(secrets: ReadonlyArray<string | undefined> = []) {
    this.secrets = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('<redacted:agentops-api-key>');
    if (!TRIGGER.test(out)) return out;
    for (const rule of RULES) {
      rule.pattern.lastIndex = 0;
      if (rule.pattern.test(out)) {
        rule.pattern.lastIndex = 0;
        out = out.replace(rule.pattern, rule.replace);
      }
    }
    return out;
  }
}

/** The value a failing user `mask` leaves: fail closed, never the unmasked content. */
export const MASK_FAILED = '<masked: mask failed>';

export type MaskFunction = (value: string, key: string) => unknown;
