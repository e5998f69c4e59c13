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

// Numbers as people read them. Durations: in the largest unit under which they are at least 1
// (µs, ms, s), with 3 significant digits; a minute and over as `2 min 5 s`, an hour and over as
// `1 h 20 min`.
function sig3(x) {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  const t = x.toFixed(digits);
  return digits === 0 ? t : t.replace(/\.?0+$/, '');
}
export function fmtMs(ms) {
  if (ms === null || ms === undefined || !isFinite(ms)) return '-';
  if (ms <= 0) return '0 ms';
  if (ms < 0.9995) return `${sig3(ms * 1000)} µs`;
  if (ms < 999.5) return `${sig3(ms)} ms`;
  if (ms < 59_950) return `${sig3(ms / 1000)} s`;
  if (ms < 3_570_000) {
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  const min = Math.round(ms / 60_000);
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}
// Money with its currency: under a dollar to 3 significant digits ($0.000133 USD, $0.0123 USD,
// $0.50 USD), from a dollar on to the cent with thousands separators ($1,234.56 USD). Never in
// exponent notation, never the float's noise (0.00013304999999999998).
export function fmtCost(usd) {
  if (usd === null || usd === undefined || typeof usd !== 'number' || !isFinite(usd)) return '-';
  if (usd === 0) return '$0 USD';
  const abs = Math.abs(usd);
  let text;
  if (abs >= 0.995) text = abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  else {
    const decimals = Math.min(20, Math.max(2, 2 - Math.floor(Math.log10(abs))));
    text = abs.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1');
  }
  return `${usd < 0 ? '-' : ''}$${text} USD`;
}
// Token counts and other counts, with thousands separators.
export function fmtInt(n) {
  return Number(n || 0).toLocaleString('en-US');
}
export function fmtTime(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '-' : d.toLocaleString();
}
export function stateBadge(s) {
  if (s.running) return h('span', { class: 'state running' }, 'running');
  // Spans recorded outside any session have no end state: their root span's status stands for it.
  if (s.inSession === false) {
    const label = s.rootStatus === 'ERROR' ? 'Error' : s.rootStatus === 'OK' ? 'OK' : 'Ended';
    return h('span', { class: `state ${s.rootStatus === 'ERROR' ? 'Fail' : 'ended'}`, title: `no session: the root span's status is ${s.rootStatus}` }, label);
  }
  return s.endState ? h('span', { class: `state ${s.endState}` }, s.endState) : h('span', { class: 'muted' }, '-');
}
