/**
 * Which `Host` headers the server answers. A web page on another site can make the browser send
 * requests to a server on loopback: by DNS rebinding, its own host name comes to resolve to
 * 127.0.0.1, and the browser then treats the server as that site. The request still names that
 * site in its `Host` header, so a server that answers only the names it is reached by is out of
 * the page's reach. Accepted: `localhost` (and names under `.localhost`), any IP address (no page
 * can rebind to one: an address is its own origin), the address the server is bound to, this
 * machine's name when bound to every interface (the URL the server prints), and the names given
 * in `allowedHosts` (`.example.com` takes the name and every name under it; `*` takes any name).
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';

/** The name in a Host header, lower case, without port, brackets or a final dot; undefined when it is not one. */
export function hostOf(header: string): string | undefined {
  const h = header.trim().toLowerCase();
  const m = /^\[([0-9a-f:.]+)\](?::\d*)?$/.exec(h) ?? /^([^:[\]]+)(?::\d*)?$/.exec(h);
  return m?.[1]?.replace(/\.$/, '');
}

export class HostCheck {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly any: boolean;

  constructor(bindHost: string, allowedHosts: readonly string[]) {
    this.any = allowedHosts.includes('*');
    const bound = hostOf(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost);
    if (bound !== undefined) this.exact.add(bound);
    if (bound === '0.0.0.0' || bound === '::') this.exact.add(hostname().toLowerCase());
    for (const a of allowedHosts) {
      const name = a.trim().toLowerCase().replace(/\.$/, '');
      if (name.startsWith('.')) this.suffixes.push(name);
      else if (name !== '') this.exact.add(name);
    }
  }

  /** Whether a request with this Host header is answered. One without a Host header (HTTP/1.0) is: no browser sends that. */
  allows(header: string | undefined): boolean {
    if (this.any || header === undefined) return true;
    const host = hostOf(header);
    if (host === undefined) return false;
    if (host === 'localhost' || host.endsWith('.localhost') || isIP(host) !== 0 || this.exact.has(host)) return true;
    return this.suffixes.some((s) => host.endsWith(s) || host === s.slice(1));
  }
}
