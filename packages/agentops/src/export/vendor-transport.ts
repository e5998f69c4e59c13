/** The vendor destination: OTLP over HTTP with the Bearer token from the auth exchange. */
import type { HttpTransport } from './http-transport';
import type { SendResult, Transport } from './send-result';
import type { VendorAuth } from './vendor-auth';

export class VendorTransport implements Transport {
  constructor(private readonly http: HttpTransport, private readonly auth: VendorAuth) {}

  async send(body: Uint8Array): Promise<SendResult> {
    // Spans that end before the token arrives wait here, inside the vendor's own queue.
    const first = await this.auth.getToken();
    if (first.kind === 'rejected') return { kind: 'failure', reason: 'auth_rejected', message: first.message };
    if (first.kind === 'retryable') return { kind: 'retryable', message: first.message };
    const result = await this.http.send(body, { authorization: `Bearer ${first.token}` });
    if (result.kind !== 'failure' || result.status !== 401) return result;
    // A 401 on export: the token expired or was revoked. Exchange the key once more and retry once.
    if (!this.auth.invalidate(first.token)) return result;
    const second = await this.auth.getToken();
    if (second.kind === 'rejected') return { kind: 'failure', reason: 'auth_rejected', message: second.message };
    if (second.kind === 'retryable') return { kind: 'retryable', message: second.message };
    return this.http.send(body, { authorization: `Bearer ${second.token}` });
  }

  async close(): Promise<void> {
    await Promise.all([this.http.close(), this.auth.close()]);
  }
}
