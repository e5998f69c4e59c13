/**
 * The vendor's auth exchange: `POST {apiEndpoint}/v3/auth/token` with `{"api_key"}` returns
 * `{token, project_id}`. One exchange is shared by every caller waiting for a token; a rejected key
 * is reported once and stays rejected (retrying cannot fix it); network trouble is retryable.
 */
import { createAgent, post, readBody, type PostAgent } from './http-post';
import { maskSecret, type SdkLogger } from '../log';
import { errorSummary, isRetryableStatus } from './is-retryable';

export type TokenResult =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'rejected'; readonly message: string }
  | { readonly kind: 'retryable'; readonly message: string };

// A second 401 soon after a re-exchange means the fresh token is refused too: do not loop.
const REEXCHANGE_COOLDOWN_MS = 60_000;

export class VendorAuth {
  private pending: Promise<TokenResult> | undefined;
  private current: TokenResult | undefined;
  private lastReexchange = 0;
  private readonly agent: PostAgent;
  private closed = false;
  projectId: string | undefined;
  exchanges = 0;

  constructor(
    private readonly apiEndpoint: string,
    private readonly apiKey: string,
    private readonly timeoutMs: number,
    private readonly userAgent: string,
    private readonly logger: SdkLogger,
  ) {
    this.agent = createAgent(this.url, { connections: 1, keepAliveMs: 1_000 });
  }

  get url(): string {
    return `${this.apiEndpoint}/v3/auth/token`;
  }

  /** The current token, exchanging the key first when there is none. Never rejects. */
  getToken(): Promise<TokenResult> {
    const c = this.current;
    if (c && c.kind !== 'retryable') return Promise.resolve(c);
    this.pending ??= this.exchange().then((r) => {
      this.pending = undefined;
      this.current = r;
      return r;
    });
    return this.pending;
  }

  /**
   * The backend refused `token` (HTTP 401 on export). Forgets it so the next `getToken()` exchanges
   * again, at most once per cooldown; returns whether a re-exchange will happen.
   */
  invalidate(token: string): boolean {
    const c = this.current;
    // Another request already saw a 401 and started (or finished) the re-exchange: share it.
    if (c === undefined || (c.kind === 'token' && c.token !== token)) return true;
    if (Date.now() - this.lastReexchange < REEXCHANGE_COOLDOWN_MS) return false;
    this.lastReexchange = Date.now();
    this.current = undefined;
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
  }

  private async exchange(): Promise<TokenResult> {
    if (this.closed) return { kind: 'retryable', message: 'shut down' };
    this.exchanges++;
    try {
      const res = await post(this.agent, this.url, {
        headers: { 'content-type': 'application/json', 'user-agent': this.userAgent },
        body: JSON.stringify({ api_key: this.apiKey }),
        timeoutMs: this.timeoutMs,
      });
      // A token answer is small; anything past 64 KiB is not one.
      const text = (await readBody(res.body, 64 * 1024)).toString('utf8');
      if (res.statusCode >= 200 && res.statusCode < 300) {
        let body: { token?: unknown; project_id?: unknown };
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          return this.retryable(`auth endpoint ${this.url} answered HTTP ${res.statusCode} with a body that is not JSON`);
        }
        if (typeof body.token !== 'string' || body.token === '') {
          return this.retryable(`auth endpoint ${this.url} answered without a token`);
        }
        this.projectId = typeof body.project_id === 'string' ? body.project_id : undefined;
        this.logger.debug(`authenticated with ${this.url} (project ${this.projectId ?? 'unknown'})`);
        return { kind: 'token', token: body.token };
      }
      if (isRetryableStatus(res.statusCode)) {
        return this.retryable(`auth endpoint ${this.url} answered HTTP ${res.statusCode}`);
      }
      const message = `API key ${maskSecret(this.apiKey)} was rejected by ${this.url} (HTTP ${res.statusCode}); nothing is sent to the AgentOps backend, other destinations keep working`;
      this.logger.once('auth-rejected', 'error', message);
      return { kind: 'rejected', message };
    } catch (err) {
      return this.retryable(`auth endpoint ${this.url} unreachable: ${errorSummary(err)}`);
    }
  }

  private retryable(message: string): TokenResult {
    this.logger.throttled('auth-retry', 60_000, 'warn', `${message}; will retry`);
    return { kind: 'retryable', message };
  }
}
