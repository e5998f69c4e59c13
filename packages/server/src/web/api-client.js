// Talking to the server: the API key and the token it is exchanged for, and reading the REST API
// with that token. Both live in sessionStorage so a key stays with its tab and is gone when the
// tab closes. The key is typed in, or comes in the URL fragment (#key=..., which browsers never
// send to the server; app.js reads it).

const KEY = 'agentops.apiKey';
const TOKEN = 'agentops.token';

// Its own class so the router can tell "log in again" from any other failure.
export class AuthError extends Error {}

export function hasKey() {
  return Boolean(sessionStorage.getItem(KEY));
}

// A new key invalidates the token of the old one.
export function useKey(key) {
  sessionStorage.setItem(KEY, key);
  sessionStorage.removeItem(TOKEN);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(TOKEN);
}

async function exchange() {
  const key = sessionStorage.getItem(KEY);
  if (!key) throw new AuthError('no key');
  const res = await fetch('/v3/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: key }) });
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    throw new AuthError('That API key was not accepted.');
  }
  if (!res.ok) throw new Error(`token exchange failed: HTTP ${res.status}`);
  const body = await res.json();
  sessionStorage.setItem(TOKEN, body.token);
  return body.token;
}

export async function api(path) {
  let token = sessionStorage.getItem(TOKEN) || (await exchange());
  let res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401) {
    // Expired or revoked: exchange the key again, once.
    sessionStorage.removeItem(TOKEN);
    token = await exchange();
    res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  }
  if (res.status === 401) throw new AuthError('Not authorised.');
  const body = await res.json();
  if (!res.ok) {
    const err = new Error(body.error || `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return body;
}
