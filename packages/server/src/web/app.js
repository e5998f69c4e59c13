// The session viewer: plain browser JavaScript in ES modules, no framework and nothing loaded from
// elsewhere. This is the entry index.html loads: it reads the URL (a key in the fragment, a
// trace_id in the query), shows the login form, the session list or one session, and owns the
// refresh timer so that only the page on screen keeps polling.
//
// The pages import navigate/route/refreshIn from here while this file imports the pages: the
// cycle is safe because no module calls into another until route() runs below, after all have
// been evaluated.
import { AuthError, api, forgetKey, hasKey, useKey } from './api-client.js';
import { dashboardPage } from './dashboard-page.js';
import { listPage } from './session-list.js';
import { sessionPage } from './session-page.js';
import { h } from './view-helpers.js';

const main = document.getElementById('main');
let timer = null;

export function refreshIn(fn, ms) {
  timer = setTimeout(fn, ms);
}

function stopRefresh() {
  if (timer) clearTimeout(timer);
  timer = null;
}

export function navigate(url) {
  history.pushState(null, '', url);
  route();
}

export async function route() {
  stopRefresh();
  const frag = new URLSearchParams(location.hash.slice(1));
  if (frag.get('key')) {
    useKey(frag.get('key'));
    // Out of the address bar at once, so it is not bookmarked, shared or kept in history.
    history.replaceState(null, '', location.pathname + location.search);
  }
  if (!hasKey()) return showLogin();
  const traceId = new URLSearchParams(location.search).get('trace_id');
  try {
    await showProject();
    if (location.pathname.startsWith('/dashboard')) await dashboardPage();
    else if (traceId) await sessionPage(traceId, true);
    else await listPage(true);
  } catch (e) {
    if (e instanceof AuthError) showLogin(e.message);
    else main.replaceChildren(h('p', { class: 'error-text' }, `Error: ${e.message}`));
  }
}

function logout() {
  forgetKey();
  route();
}

function showLogin(message) {
  stopRefresh();
  document.getElementById('logout').hidden = true;
  document.getElementById('project').textContent = '';
  const input = h('input', { type: 'password', id: 'api-key', placeholder: 'aol_...', autocomplete: 'off', required: true });
  const form = h(
    'form',
    {
      class: 'card login',
      id: 'login',
      onsubmit: (ev) => {
        ev.preventDefault();
        useKey(input.value.trim());
        route();
      },
    },
    h('h2', {}, 'Log in'),
    h('p', { class: 'muted' }, 'Paste an API key of this server (shown when it starts, and by `npx agentops keys`).'),
    message ? h('p', { class: 'error-text', id: 'login-error' }, message) : null,
    input,
    h('button', { type: 'submit' }, 'Open sessions'),
  );
  main.replaceChildren(form);
  input.focus();
}

async function showProject() {
  try {
    const p = await api('/api/project');
    document.getElementById('project').textContent = `project ${p.name}`;
    document.getElementById('logout').hidden = false;
  } catch (e) {
    /* shown by the page that failed */
  }
}

document.getElementById('logout').addEventListener('click', logout);
window.addEventListener('popstate', route);
route();
