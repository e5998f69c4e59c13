// What both pages build their elements with. Every value from the API goes in as text, never as
// HTML, since span attributes are whatever an agent sent.

export function h(tag, attrs, ...children) {
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

export function fmtMs(ms) {
  if (ms === null || ms === undefined || !isFinite(ms)) return '-';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60000)} m ${Math.round((ms % 60000) / 1000)} s`;
}
export function fmtCost(usd) {
  if (!usd) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(4)}`;
}
export function fmtInt(n) {
  return Number(n || 0).toLocaleString('en-US');
}
export function fmtTime(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '-' : d.toLocaleString();
}
export function stateBadge(s) {
  if (s.running) return h('span', { class: 'state running' }, 'running');
  return s.endState ? h('span', { class: `state ${s.endState}` }, s.endState) : h('span', { class: 'muted' }, '-');
}
