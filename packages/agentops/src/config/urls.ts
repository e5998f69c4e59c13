/** Endpoint URLs: what may be a destination (https, or plain http to loopback unless `insecure`), and their normal form. */

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith('.localhost');
}

/** Why `value` cannot be an endpoint, as the "accepted" half of an error message; undefined when it can. */
export function urlProblem(value: string, insecure: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'an absolute http(s) URL';
  if (url.protocol === 'http:' && !insecure && !isLoopbackHost(url.hostname)) {
    return 'an https:// URL (plain http:// is only allowed to loopback hosts unless `insecure` / OTEL_EXPORTER_OTLP_INSECURE=true)';
  }
  return undefined;
}

export function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The vendor's metrics endpoint: same host as its traces endpoint, path `/v1/metrics`. */
export function siblingMetricsUrl(tracesUrl: string): string {
  const u = new URL(tracesUrl);
  u.pathname = u.pathname.endsWith('/v1/traces') ? u.pathname.replace(/\/v1\/traces$/, '/v1/metrics') : '/v1/metrics';
  return u.toString().replace(/\/+$/, '');
}
