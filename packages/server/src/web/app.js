// The session viewer: plain browser JavaScript, no framework and nothing loaded from elsewhere.
// It logs in with an API key (typed in, or from the URL fragment #key=..., which browsers never
// send to the server), keeps it in sessionStorage, exchanges it for a token at /v3/auth/token,
// and reads the REST API with that token. Every value from the API is inserted as text, never as
// HTML, since span attributes are whatever an agent sent.
'use strict';

(function () {
  const KEY = 'agentops.apiKey';
  const TOKEN = 'agentops.token';
  const LIST_REFRESH_MS = 5000;
  const SESSION_REFRESH_MS = 2000;
  const main = document.getElementById('main');
  let timer = null;
  let selectedSpanId = null;

  // ---- DOM helpers ----

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'style') el.style.cssText = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function fmtMs(ms) {
    if (ms === null || ms === undefined || !isFinite(ms)) return '-';
    if (ms < 1) return `${ms.toFixed(2)} ms`;
    if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
    return `${Math.floor(ms / 60000)} m ${Math.round((ms % 60000) / 1000)} s`;
  }
  function fmtCost(usd) {
    if (!usd) return '$0';
    return usd < 0.01 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(4)}`;
  }
  function fmtInt(n) {
    return Number(n || 0).toLocaleString('en-US');
  }
  function fmtTime(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '-' : d.toLocaleString();
  }
  function pretty(v) {
    if (typeof v === 'string') {
      try {
        return JSON.stringify(JSON.parse(v), null, 2);
      } catch (e) {
        return v;
      }
    }
    return JSON.stringify(v, null, 2);
  }
  function stateBadge(s) {
    if (s.running) return h('span', { class: 'state running' }, 'running');
    return s.endState ? h('span', { class: `state ${s.endState}` }, s.endState) : h('span', { class: 'muted' }, '-');
  }

  // ---- auth and API ----

  class AuthError extends Error {}

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

  async function api(path) {
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

  function logout() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(TOKEN);
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
          sessionStorage.setItem(KEY, input.value.trim());
          sessionStorage.removeItem(TOKEN);
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

  // ---- routing ----

  function stopRefresh() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  function navigate(url) {
    history.pushState(null, '', url);
    route();
  }

  async function route() {
    stopRefresh();
    const frag = new URLSearchParams(location.hash.slice(1));
    if (frag.get('key')) {
      sessionStorage.setItem(KEY, frag.get('key'));
      sessionStorage.removeItem(TOKEN);
      history.replaceState(null, '', location.pathname + location.search);
    }
    if (!sessionStorage.getItem(KEY)) return showLogin();
    const traceId = new URLSearchParams(location.search).get('trace_id');
    try {
      await showProject();
      if (traceId) await sessionPage(traceId, true);
      else await listPage(true);
    } catch (e) {
      if (e instanceof AuthError) showLogin(e.message);
      else main.replaceChildren(h('p', { class: 'error-text' }, `Error: ${e.message}`));
    }
  }

  // ---- session list ----

  const listState = { tag: '', endState: '', offset: 0, limit: 50 };

  async function listPage(first) {
    const q = new URLSearchParams({ limit: String(listState.limit), offset: String(listState.offset) });
    if (listState.tag) q.set('tag', listState.tag);
    if (listState.endState) q.set('end_state', listState.endState);
    const data = await api(`/api/sessions?${q}`);
    if (first || !document.getElementById('session-list')) renderListShell();
    renderListRows(data);
    timer = setTimeout(() => listPage(false).catch(() => undefined), LIST_REFRESH_MS);
  }

  function renderListShell() {
    const tag = h('input', { id: 'filter-tag', placeholder: 'tag', value: listState.tag });
    const state = h(
      'select',
      { id: 'filter-state' },
      ['', 'Success', 'Fail', 'Indeterminate', 'running'].map((s) => h('option', { value: s, selected: s === listState.endState }, s || 'any end state')),
    );
    const apply = (ev) => {
      ev.preventDefault();
      listState.tag = tag.value.trim();
      listState.endState = state.value;
      listState.offset = 0;
      route();
    };
    main.replaceChildren(
      h('form', { class: 'filters', onsubmit: apply }, h('b', {}, 'Sessions'), tag, state, h('button', { type: 'submit' }, 'Filter')),
      h(
        'table',
        { class: 'sessions', id: 'session-list' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Started', 'Name', 'Tags', 'End state', 'Duration', 'LLM calls', 'Tool calls', 'Tokens in / out', 'Cost', 'Errors'].map((t, i) => h('th', { class: i >= 4 ? 'num' : null }, t)),
          ),
        ),
        h('tbody', {}),
      ),
      h('div', { class: 'pager', id: 'pager' }),
    );
  }

  function renderListRows(data) {
    const tbody = document.querySelector('#session-list tbody');
    const rows = data.sessions.map((s) =>
      h(
        'tr',
        { 'data-trace-id': s.traceId, onclick: () => navigate(`/sessions?trace_id=${s.traceId}`) },
        h('td', {}, fmtTime(s.startTime)),
        h('td', {}, h('a', { href: `/sessions?trace_id=${s.traceId}`, onclick: (ev) => ev.preventDefault() }, s.name || s.traceId)),
        h('td', {}, s.tags.map((t) => h('span', { class: 'tag' }, t))),
        h('td', {}, stateBadge(s)),
        h('td', { class: 'num' }, fmtMs(s.totals.durationMs)),
        h('td', { class: 'num' }, fmtInt(s.totals.llmCalls)),
        h('td', { class: 'num' }, fmtInt(s.totals.toolCalls)),
        h('td', { class: 'num' }, `${fmtInt(s.totals.inputTokens)} / ${fmtInt(s.totals.outputTokens)}`),
        h('td', { class: 'num' }, fmtCost(s.totals.costUsd)),
        h('td', { class: 'num' }, s.totals.errors ? h('span', { class: 'errors-count' }, fmtInt(s.totals.errors)) : '0'),
      ),
    );
    if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 10, class: 'muted' }, 'No sessions yet. Point an agent at this server (see the environment printed by `agentops serve`).')));
    tbody.replaceChildren(...rows);
    const pager = document.getElementById('pager');
    const from = data.total === 0 ? 0 : data.offset + 1;
    const to = data.offset + data.sessions.length;
    pager.replaceChildren(
      h('span', { class: 'muted' }, `${from}-${to} of ${data.total}`),
      h('button', { type: 'button', disabled: data.offset === 0, onclick: () => { listState.offset = Math.max(0, listState.offset - listState.limit); route(); } }, 'Newer'),
      h('button', { type: 'button', disabled: to >= data.total, onclick: () => { listState.offset += listState.limit; route(); } }, 'Older'),
    );
  }

  // ---- one session ----

  async function sessionPage(traceId, first) {
    let data;
    try {
      data = await api(`/api/sessions/${encodeURIComponent(traceId)}`);
    } catch (e) {
      if (e.status === 404) {
        main.replaceChildren(h('p', {}, h('a', { href: '/sessions', onclick: (ev) => { ev.preventDefault(); navigate('/sessions'); } }, '← all sessions')), h('p', { class: 'muted' }, `Session ${traceId} has not arrived yet.`));
        timer = setTimeout(() => sessionPage(traceId, false).catch(() => undefined), SESSION_REFRESH_MS);
        return;
      }
      throw e;
    }
    renderSession(data, first);
    // A running session (its root span has not arrived) is polled until it ends.
    if (data.session.running) timer = setTimeout(() => sessionPage(traceId, false).catch(() => undefined), SESSION_REFRESH_MS);
  }

  function flatten(tree) {
    const out = [];
    const walk = (nodes, depth) => {
      for (const n of nodes) {
        out.push({ span: n, depth });
        walk(n.children, depth + 1);
      }
    };
    walk(tree, 0);
    return out;
  }

  // The duration sits inside a wide bar, after a narrow one, or before a narrow one at the far right.
  function durationLabel(ms, left, width) {
    if (width > 12) return h('span', { class: 'wf-dur inside', style: `left:${left}%` }, fmtMs(ms));
    if (left + width > 85) return h('span', { class: 'wf-dur', style: `right:${100 - left}%` }, fmtMs(ms));
    return h('span', { class: 'wf-dur', style: `left:${left + width}%` }, fmtMs(ms));
  }

  function renderSession(data, first) {
    const s = data.session;
    const t = data.totals;
    const rows = flatten(data.tree);
    const spans = new Map(rows.map((r) => [r.span.spanId, r.span]));
    if (first || !spans.has(selectedSpanId)) selectedSpanId = (rows.find((r) => r.span.category === 'llm') || rows[0] || { span: {} }).span.spanId || null;
    const t0 = Math.min(...rows.map((r) => r.span.startMs));
    const t1 = Math.max(...rows.map((r) => r.span.startMs + r.span.durationMs));
    const total = Math.max(t1 - t0, 0.001);

    const head = h(
      'div',
      { class: 'session-head' },
      h('p', {}, h('a', { href: '/sessions', id: 'back', onclick: (ev) => { ev.preventDefault(); navigate('/sessions'); } }, '← all sessions')),
      h('h1', {}, s.name || s.traceId, ' ', stateBadge(s)),
      h('div', { class: 'muted' }, `trace ${s.traceId}`, s.sessionId ? ` · session ${s.sessionId}` : '', ` · started ${fmtTime(s.startTime)}`, s.endReason ? ` · ${s.endReason}` : ''),
      h('div', {}, s.tags.map((x) => h('span', { class: 'tag' }, x))),
      h(
        'div',
        { class: 'totals', id: 'totals' },
        [
          ['Duration', fmtMs(t.durationMs)],
          ['Spans', fmtInt(t.spans)],
          ['LLM calls', fmtInt(t.llmCalls)],
          ['Tool calls', fmtInt(t.toolCalls)],
          ['Errors', fmtInt(t.errors)],
          ['Input tokens', fmtInt(t.inputTokens)],
          ['Output tokens', fmtInt(t.outputTokens)],
          ['Cost', fmtCost(t.costUsd)],
        ].map(([k, v]) => h('div', {}, h('b', {}, v), h('span', {}, k))),
      ),
    );

    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => h('span', { style: `left:${f * 100}%` }, fmtMs(total * f)));
    const wfRows = rows.map(({ span, depth }) => {
      const isError = span.status.code === 2;
      const left = ((span.startMs - t0) / total) * 100;
      const width = Math.max((span.durationMs / total) * 100, 0.2);
      return h(
        'div',
        {
          class: `wf-row${isError ? ' error' : ''}${span.spanId === selectedSpanId ? ' selected' : ''}`,
          'data-span-id': span.spanId,
          'data-category': span.category,
          'data-error': isError ? 'true' : 'false',
          title: isError ? `${span.name}: ${span.status.message || 'error'}` : span.name,
          onclick: () => {
            selectedSpanId = span.spanId;
            for (const el of document.querySelectorAll('.wf-row.selected')) el.classList.remove('selected');
            document.querySelector(`.wf-row[data-span-id="${span.spanId}"]`).classList.add('selected');
            renderPanel(span);
          },
        },
        h(
          'div',
          { class: 'wf-label', style: `padding-left:${8 + depth * 16}px` },
          h('span', { class: `cat c-${span.category}` }),
          isError ? h('span', { class: 'err-mark', 'aria-label': 'error' }, '✗') : null,
          h('span', { class: 'name' }, span.name),
        ),
        h(
          'div',
          { class: 'wf-track' },
          h('div', { class: `wf-bar c-${span.category}`, style: `left:${left}%;width:${width}%` }),
          durationLabel(span.durationMs, left, width),
        ),
      );
    });
    const legend = h(
      'div',
      { class: 'legend' },
      ['session', 'llm', 'tool', 'action', 'agent', 'other'].map((c) => h('span', {}, h('span', { class: `cat c-${c}` }), c)),
      h('span', {}, h('span', { class: 'err-mark' }, '✗'), 'error'),
    );
    const waterfall = h('div', { class: 'waterfall', id: 'waterfall' }, h('div', { class: 'wf-row head' }, h('div', { class: 'wf-label' }, `${rows.length} spans`), h('div', { class: 'wf-ticks' }, ticks)), wfRows);
    // A refresh of a running session keeps what the reader was doing: the page's scroll position,
    // and the side panel as it was (its scroll, open sections, selected text) while its span is unchanged.
    const sel = spans.get(selectedSpanId);
    const selSig = sel ? spanSig(sel) : '';
    const oldPanel = first ? null : document.getElementById('span-panel');
    const keep = oldPanel !== null && selSig !== '' && panelSig === selSig;
    const scrollX = window.scrollX;
    const scrollY = window.scrollY;
    const panelScroll = keep ? oldPanel.scrollTop : 0;
    const panel = keep ? oldPanel : h('aside', { class: 'panel', id: 'span-panel' });
    main.replaceChildren(head, legend, h('div', { class: 'layout' }, waterfall, panel));
    if (!keep && sel) renderPanel(sel);
    if (!first) {
      window.scrollTo(scrollX, scrollY);
      panel.scrollTop = panelScroll;
    }
  }

  // ---- the selected span ----

  // What the side panel shows of a span: the span itself, not the subtree under it.
  const sigOf = new WeakMap();
  let panelSig = ''; // the span the side panel shows, as spanSig() names it
  function spanSig(span) {
    let sig = sigOf.get(span);
    if (sig === undefined) {
      const { children, ...own } = span;
      sig = JSON.stringify(own);
      sigOf.set(span, sig);
    }
    return sig;
  }

  function kvTable(obj) {
    const keys = Object.keys(obj || {}).sort();
    if (keys.length === 0) return h('p', { class: 'muted' }, 'none');
    return h('table', { class: 'kv' }, keys.map((k) => h('tr', {}, h('td', {}, k), h('td', {}, typeof obj[k] === 'string' ? obj[k] : JSON.stringify(obj[k])))));
  }

  function partText(p) {
    if (p.type === 'text' || p.type === 'reasoning') return p.content;
    if (p.type === 'tool_call') return `→ tool call ${p.name || ''}(${typeof p.arguments === 'string' ? p.arguments : JSON.stringify(p.arguments)})`;
    if (p.type === 'tool_call_response') return `← tool result: ${typeof p.response === 'string' ? p.response : JSON.stringify(p.response)}`;
    return JSON.stringify(p);
  }

  function messages(json, id) {
    let list;
    try {
      list = typeof json === 'string' ? JSON.parse(json) : json;
    } catch (e) {
      return h('pre', { id }, String(json));
    }
    if (!Array.isArray(list)) return h('pre', { id }, pretty(json));
    return h(
      'div',
      { id },
      list.map((m) =>
        h(
          'div',
          { class: `msg ${m.role || ''}` },
          h('div', { class: 'role' }, m.role || 'message', m.finish_reason ? ` · ${m.finish_reason}` : ''),
          (Array.isArray(m.parts) ? m.parts : [{ type: 'text', content: m.content }]).map((p) => h('pre', {}, partText(p))),
        ),
      ),
    );
  }

  function renderPanel(span) {
    const panel = document.getElementById('span-panel');
    if (!panel) return;
    const a = span.attributes || {};
    const isError = span.status.code === 2;
    const sections = [
      h('h2', {}, h('span', { class: `cat c-${span.category}` }), ' ', span.name),
      h(
        'table',
        { class: 'kv' },
        h('tr', {}, h('td', {}, 'kind'), h('td', {}, `${span.category} (${span.kind})`)),
        h('tr', {}, h('td', {}, 'duration'), h('td', {}, fmtMs(span.durationMs))),
        h('tr', {}, h('td', {}, 'status'), h('td', { class: isError ? 'status-error' : '', id: 'span-status' }, ['UNSET', 'OK', 'ERROR'][span.status.code] || String(span.status.code), span.status.message ? `: ${span.status.message}` : '')),
        h('tr', {}, h('td', {}, 'span id'), h('td', {}, span.spanId)),
        h('tr', {}, h('td', {}, 'parent'), h('td', {}, span.parentSpanId || '-')),
      ),
    ];
    if (span.category === 'llm') {
      sections.push(
        h('h3', {}, 'LLM call'),
        h(
          'table',
          { class: 'kv', id: 'llm-usage' },
          h('tr', {}, h('td', {}, 'model'), h('td', {}, a['gen_ai.response.model'] || a['gen_ai.request.model'] || '-')),
          h('tr', {}, h('td', {}, 'provider'), h('td', {}, a['gen_ai.provider.name'] || '-')),
          h('tr', {}, h('td', {}, 'input tokens'), h('td', { id: 'input-tokens' }, fmtInt(a['gen_ai.usage.input_tokens']))),
          h('tr', {}, h('td', {}, 'output tokens'), h('td', { id: 'output-tokens' }, fmtInt(a['gen_ai.usage.output_tokens']))),
          h('tr', {}, h('td', {}, 'cost'), h('td', { id: 'llm-cost' }, a['agentops.llm.cost_usd'] === undefined ? '-' : fmtCost(a['agentops.llm.cost_usd']))),
        ),
      );
      if (a['gen_ai.system_instructions'] !== undefined) sections.push(h('h3', {}, 'System instructions'), h('pre', {}, pretty(a['gen_ai.system_instructions'])));
      sections.push(h('h3', {}, 'Prompt'), a['gen_ai.input.messages'] === undefined ? h('p', { class: 'muted' }, 'not captured') : messages(a['gen_ai.input.messages'], 'llm-prompt'));
      sections.push(h('h3', {}, 'Completion'), a['gen_ai.output.messages'] === undefined ? h('p', { class: 'muted' }, 'not captured') : messages(a['gen_ai.output.messages'], 'llm-completion'));
    }
    if (span.category === 'tool') {
      sections.push(
        h('h3', {}, `Tool ${a['gen_ai.tool.name'] || ''}`),
        h('div', {}, h('b', {}, 'Arguments')),
        h('pre', { id: 'tool-arguments' }, a['gen_ai.tool.call.arguments'] === undefined ? 'not captured' : pretty(a['gen_ai.tool.call.arguments'])),
        h('div', {}, h('b', {}, 'Result')),
        h('pre', { id: 'tool-result' }, a['gen_ai.tool.call.result'] === undefined ? '-' : pretty(a['gen_ai.tool.call.result'])),
      );
    }
    if (span.category === 'action' && (a['agentops.action.params'] !== undefined || a['agentops.action.returns'] !== undefined)) {
      sections.push(h('h3', {}, 'Action'), h('div', {}, h('b', {}, 'Parameters')), h('pre', {}, pretty(a['agentops.action.params'] ?? '-')), h('div', {}, h('b', {}, 'Returns')), h('pre', {}, pretty(a['agentops.action.returns'] ?? '-')));
    }
    const exceptions = (span.events || []).filter((e) => e.name === 'exception');
    for (const e of exceptions) {
      const ea = e.attributes || {};
      sections.push(
        h('h3', {}, 'Exception'),
        h('div', { class: 'exception', id: 'exception' }, h('b', {}, ea['exception.type'] || 'Error'), ': ', ea['exception.message'] || '', ea['exception.stacktrace'] ? h('pre', { id: 'stacktrace' }, ea['exception.stacktrace']) : null),
      );
    }
    const others = (span.events || []).filter((e) => e.name !== 'exception');
    if (others.length > 0) sections.push(h('h3', {}, 'Events'), others.map((e) => h('div', {}, h('b', {}, e.name), kvTable(e.attributes))));
    sections.push(h('h3', {}, 'Attributes'), kvTable(a));
    sections.push(h('details', {}, h('summary', {}, 'Resource'), kvTable(span.resource)));
    panel.replaceChildren(...sections.flat());
    panelSig = spanSig(span);
  }

  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('popstate', route);
  route();
})();
