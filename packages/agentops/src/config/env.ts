/**
 * Environment variables as config values. A bad value is reported once through the SDK's logger and
 * the default is used, so a typo in a deployment never crashes an agent.
 */
import { readFileSync } from 'node:fs';
import type { SdkLogger } from '../log';
import { stripSlash, urlProblem } from './urls';

export type Env = Readonly<Record<string, string | undefined>>;

export function envMessage(name: string, value: string, accepted: string, fallback: string): string {
  return `environment variable ${name}=${JSON.stringify(value)} is not valid (accepted: ${accepted}); using ${fallback}`;
}

/** Reads the environment, reporting each bad value once and falling back. */
export class EnvReader {
  constructor(private readonly env: Env, private readonly logger: SdkLogger) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  bad(name: string, accepted: string, fallback: string): undefined {
    this.logger.once(`env:${name}`, 'warn', envMessage(name, this.env[name] ?? '', accepted, fallback));
    return undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const l = v.toLowerCase();
    if (l === 'true' || l === '1' || l === 'yes' || l === 'on') return true;
    if (l === 'false' || l === '0' || l === 'no' || l === 'off') return false;
    return this.bad(name, 'true or false', 'the default');
  }

  int(name: string, min: number): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    // Number('') is 0 and Number('1e3') is 1000: accept only plain digits so a typo cannot become a value.
    if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
      return this.bad(name, `an integer >= ${min}`, 'the default');
    }
    return Number(v);
  }

  file(name: string): Buffer | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    try {
      return readFileSync(v);
    } catch (err) {
      return this.bad(name, `the path of a readable PEM file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, 'no such file');
    }
  }

  url(name: string, insecure: boolean): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const problem = urlProblem(v, insecure);
    if (problem) return this.bad(name, problem, 'the default');
    return stripSlash(v);
  }
}

/** `OTEL_RESOURCE_ATTRIBUTES`: `key1=value1,key2=value2`, values percent-encoded (OpenTelemetry spec). */
export function parseResourceAttributes(raw: string | undefined, logger: SdkLogger): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (key === '') {
      logger.once('env:OTEL_RESOURCE_ATTRIBUTES', 'warn', envMessage('OTEL_RESOURCE_ATTRIBUTES', raw, 'key=value pairs separated by commas', 'the valid pairs only'));
      continue;
    }
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      logger.once('env:OTEL_RESOURCE_ATTRIBUTES', 'warn', envMessage('OTEL_RESOURCE_ATTRIBUTES', raw, 'percent-encoded values', 'the raw value'));
    }
    out[key] = value;
  }
  return out;
}
