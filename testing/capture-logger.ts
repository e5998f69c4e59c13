import type { Logger } from '../packages/agentops/src/log';

/** A Logger that keeps every line, for asserting what the SDK reported (and how often). */
export class CaptureLogger implements Logger {
  readonly lines: Array<{ level: string; message: string }> = [];
  debug(m: string): void {
    this.lines.push({ level: 'debug', message: m });
  }
  info(m: string): void {
    this.lines.push({ level: 'info', message: m });
  }
  warn(m: string): void {
    this.lines.push({ level: 'warn', message: m });
  }
  error(m: string): void {
    this.lines.push({ level: 'error', message: m });
  }
  matching(re: RegExp): Array<{ level: string; message: string }> {
    return this.lines.filter((l) => re.test(l.message));
  }
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n');
  }
}
