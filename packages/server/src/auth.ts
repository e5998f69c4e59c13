/**
 * Who is calling: API keys belong to projects; `/v3/auth/token` exchanges a key for a token signed
 * with HMAC-SHA256 under the database's secret, carrying the project, the key (its row id and a
 * digest of the key itself) and an expiry. A token is checked without a database lookup of the
 * token itself, and dies with its key: SQLite may give a revoked key's row id to a later key, so
 * the id alone would let the revoked key's tokens work again.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Storage } from './storage';

export interface Caller {
  projectId: string;
  /** How the caller proved it: a token from the exchange, or the API key itself. */
  via: 'token' | 'api_key';
}

export interface IssuedToken {
  token: string;
  projectId: string;
  expiresAt: Date;
}

const TOKEN_PREFIX = 'v1.';

export class Auth {
  constructor(
    private readonly storage: Storage,
    private readonly tokenTtlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The exchange: undefined when the key is unknown. */
  issueToken(apiKey: string): IssuedToken | undefined {
    const owner = this.storage.ownerOfKey(apiKey);
    if (owner === undefined) return undefined;
    // Milliseconds: a whole-second expiry would cut up to a second off the lifetime promised.
    const exp = this.now() + this.tokenTtlSeconds * 1000;
    const payload = Buffer.from(JSON.stringify({ p: owner.projectId, k: owner.keyId, h: keyDigest(apiKey), e: exp })).toString('base64url');
    return { token: `${TOKEN_PREFIX}${payload}.${this.sign(payload)}`, projectId: owner.projectId, expiresAt: new Date(exp) };
  }

  /** A valid, unexpired token whose key still exists -> its caller; anything else -> undefined. */
  verifyToken(token: string): Caller | undefined {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const [payload, sig, extra] = token.slice(TOKEN_PREFIX.length).split('.');
    if (payload === undefined || sig === undefined || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: { p?: unknown; k?: unknown; h?: unknown; e?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undefined;
    }
    if (typeof claims.p !== 'string' || typeof claims.k !== 'number' || typeof claims.h !== 'string' || typeof claims.e !== 'number') return undefined;
    if (claims.e <= this.now()) return undefined;
    const key = this.storage.keyById(claims.k, claims.p);
    if (key === undefined || keyDigest(key) !== claims.h) return undefined;
    return { projectId: claims.p, via: 'token' };
  }

  /**
   * `Authorization: Bearer <token or API key>` or `X-API-Key: <key>`. Accepting the key directly
   * lets a plain OpenTelemetry exporter (which cannot do the exchange) send here with one header.
   */
  callerOf(headers: { authorization?: string | undefined; 'x-api-key'?: string | string[] | undefined }): Caller | undefined {
    const auth = headers.authorization;
    let credential: string | undefined;
    if (typeof auth === 'string' && /^bearer /i.test(auth)) credential = auth.slice(7).trim();
    else if (typeof headers['x-api-key'] === 'string') credential = headers['x-api-key'].trim();
    if (!credential) return undefined;
    if (credential.startsWith(TOKEN_PREFIX)) return this.verifyToken(credential);
    const owner = this.storage.ownerOfKey(credential);
    return owner && { projectId: owner.projectId, via: 'api_key' };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.storage.tokenSecret).update(payload).digest('base64url');
  }
}

/** Names a key inside a token without revealing it: 72 bits of its SHA-256. */
function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 12);
}
