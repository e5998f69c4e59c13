// The side panel of the selected span. Every value it reads from a span is untrusted: any exporter
// can send any attribute with any type (`gen_ai.input.messages` = `[null]`, a token count that is
// a string, a part that is a number). What has the expected shape is rendered as such; anything
// else is shown as the raw value it is, marked `raw`, and never throws: one odd attribute must not
// take the page down.
import { agentSections } from './agent-panel.js';
import { fmtCost, fmtInt, fmtMs, h } from './view-helpers.js';

// What the side panel shows of a span: the span itself, not the subtree under it.
const sigOf = new WeakMap();
let panelSig = ''; // the span the side panel shows, as spanSig() names it

export function spanSig(span) {
  let sig = sigOf.get(span);
  if (sig === undefined) {
    const { children, depth, ...own } = span;
    sig = JSON.stringify(own);
    sigOf.set(span, sig);
  }
  return sig;
}

export function panelShows(span) {
  return panelSig !== '' && panelSig === spanSig(span);
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v) => typeof v === 'string';
const isCount = (v) => typeof v === 'number' && Number.isFinite(v);

/** A value as text, whatever it is: strings as they are, anything else as JSON (or its String()). */
export function rawText(v) {
  if (typeof v === 'string') return v;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch (e) {
    return String(v);
  }
}

/** A value that is not what the viewer expected there, shown as it is. */
function raw(v, id) {
  return h('pre', { class: 'raw', id, title: 'not in the expected form: shown as sent' }, rawText(v));
}

// Structured attribute values arrive as JSON strings: shown indented, anything else as it is.
function pretty(v) {
  if (typeof v === 'string') {
    try {
      return JSON.stringify(JSON.parse(v), null, 2);
    } catch (e) {
      return v;
    }
  }
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch (e) {
    return String(v);
  }
}

function kvTable(obj) {
  if (!isObject(obj)) return raw(obj);
  const keys = Object.keys(obj).sort();
  if (keys.length === 0) return h('p', { class: 'muted' }, 'none');
  return h('table', { class: 'kv' }, keys.map((k) => h('tr', {}, h('td', {}, k), h('td', {}, rawText(obj[k])))));
}

// One part of a message: a known type with fields of the right types, or the raw part.
function part(p) {
  if (!isObject(p) || !isText(p.type)) return raw(p);
  if ((p.type === 'text' || p.type === 'reasoning') && isText(p.content)) return h('pre', {}, p.content);
  if (p.type === 'tool_call' && (p.name === undefined || isText(p.name))) return h('pre', {}, `→ tool call ${p.name || ''}(${rawText(p.arguments ?? '')})`);
  if (p.type === 'tool_call_response') return h('pre', {}, `← tool result: ${rawText(p.response ?? '')}`);
  return raw(p);
}

function message(m) {
  if (!isObject(m)) return raw(m);
  const role = isText(m.role) ? m.role : null;
  const finish = isText(m.finish_reason) ? ` · ${m.finish_reason}` : '';
  let body;
  if (Array.isArray(m.parts)) body = m.parts.map(part);
  else if (m.parts === undefined && isText(m.content)) body = [h('pre', {}, m.content)];
  else body = [raw(m)];
  return h('div', { class: `msg ${role || ''}` }, h('div', { class: 'role' }, role || 'message', finish), body);
}

function messages(value, id) {
  let list = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch (e) {
      return raw(value, id);
    }
  }
  if (!Array.isArray(list)) return raw(value, id);
  return h('div', { id }, list.map(message));
}

const text = (v, fallback = '-') => (v === undefined || v === null || v === '' ? fallback : rawText(v));
const count = (v) => (v === undefined ? fmtInt(0) : isCount(v) ? fmtInt(v) : rawText(v));

function section(build, span) {
  try {
    return build();
  } catch (e) {
    // A shape nobody foresaw: the span's attributes as sent, instead of a broken page.
    return [h('p', { class: 'error-text' }, `This part of the span could not be shown (${e && e.message}); its attributes as sent:`), raw(span.attributes)];
  }
}

function llmSections(a) {
  const out = [
    h('h3', {}, 'LLM call'),
    h(
      'table',
      { class: 'kv', id: 'llm-usage' },
      h('tr', {}, h('td', {}, 'model'), h('td', {}, text(a['gen_ai.response.model'] || a['gen_ai.request.model']))),
      h('tr', {}, h('td', {}, 'provider'), h('td', {}, text(a['gen_ai.provider.name']))),
      h('tr', {}, h('td', {}, 'input tokens'), h('td', { id: 'input-tokens' }, count(a['gen_ai.usage.input_tokens']))),
      h('tr', {}, h('td', {}, 'output tokens'), h('td', { id: 'output-tokens' }, count(a['gen_ai.usage.output_tokens']))),
      h('tr', {}, h('td', {}, 'cost'), h('td', { id: 'llm-cost' }, a['agentops.llm.cost_usd'] === undefined ? '-' : isCount(a['agentops.llm.cost_usd']) ? fmtCost(a['agentops.llm.cost_usd']) : rawText(a['agentops.llm.cost_usd']))),
    ),
  ];
  if (a['gen_ai.system_instructions'] !== undefined) out.push(h('h3', {}, 'System instructions'), h('pre', {}, pretty(a['gen_ai.system_instructions'])));
  out.push(h('h3', {}, 'Prompt'), a['gen_ai.input.messages'] === undefined ? h('p', { class: 'muted' }, 'not captured') : messages(a['gen_ai.input.messages'], 'llm-prompt'));
  out.push(h('h3', {}, 'Completion'), a['gen_ai.output.messages'] === undefined ? h('p', { class: 'muted' }, 'not captured') : messages(a['gen_ai.output.messages'], 'llm-completion'));
  return out;
}

function toolSections(a) {
  return [
    h('h3', {}, `Tool ${text(a['gen_ai.tool.name'], '')}`),
    h('div', {}, h('b', {}, 'Arguments')),
    h('pre', { id: 'tool-arguments' }, a['gen_ai.tool.call.arguments'] === undefined ? 'not captured' : pretty(a['gen_ai.tool.call.arguments'])),
    h('div', {}, h('b', {}, 'Result')),
    h('pre', { id: 'tool-result' }, a['gen_ai.tool.call.result'] === undefined ? '-' : pretty(a['gen_ai.tool.call.result'])),
  ];
}

function eventSections(events) {
  if (!Array.isArray(events)) return [h('h3', {}, 'Events'), raw(events)];
  const out = [];
  for (const e of events) {
    if (!isObject(e) || e.name !== 'exception') continue;
    const ea = isObject(e.attributes) ? e.attributes : {};
    out.push(
      h('h3', {}, 'Exception'),
      h('div', { class: 'exception', id: 'exception' }, h('b', {}, text(ea['exception.type'], 'Error')), ': ', text(ea['exception.message'], ''), ea['exception.stacktrace'] ? h('pre', { id: 'stacktrace' }, rawText(ea['exception.stacktrace'])) : null),
    );
  }
  const others = events.filter((e) => !isObject(e) || e.name !== 'exception');
  if (others.length > 0) out.push(h('h3', {}, 'Events'), others.map((e) => (isObject(e) ? h('div', {}, h('b', {}, text(e.name)), kvTable(e.attributes)) : raw(e))));
  return out;
}

export function renderPanel(span) {
  const panel = document.getElementById('span-panel');
  if (!panel) return;
  const a = isObject(span.attributes) ? span.attributes : {};
  const status = isObject(span.status) ? span.status : {};
  const isError = status.code === 2;
  const sections = [
    h('h2', {}, h('span', { class: `cat c-${span.category}` }), ' ', text(span.name, '')),
    h(
      'table',
      { class: 'kv' },
      h('tr', {}, h('td', {}, 'kind'), h('td', {}, `${span.category} (${span.kind})`)),
      h('tr', {}, h('td', {}, 'duration'), h('td', {}, fmtMs(span.durationMs))),
      h('tr', {}, h('td', {}, 'status'), h('td', { class: isError ? 'status-error' : '', id: 'span-status' }, ['UNSET', 'OK', 'ERROR'][status.code] || rawText(status.code), status.message ? `: ${rawText(status.message)}` : '')),
      h('tr', {}, h('td', {}, 'span id'), h('td', {}, span.spanId)),
      h('tr', {}, h('td', {}, 'parent'), h('td', {}, span.parentSpanId || '-')),
    ),
  ];
  sections.push(section(() => agentSections(span, pretty), span));
  if (span.category === 'llm') sections.push(section(() => llmSections(a), span));
  if (span.category === 'tool') sections.push(section(() => toolSections(a), span));
  if (span.category === 'action' && (a['agentops.action.params'] !== undefined || a['agentops.action.returns'] !== undefined)) {
    sections.push(h('h3', {}, 'Action'), h('div', {}, h('b', {}, 'Parameters')), h('pre', {}, pretty(a['agentops.action.params'] ?? '-')), h('div', {}, h('b', {}, 'Returns')), h('pre', {}, pretty(a['agentops.action.returns'] ?? '-')));
  }
  sections.push(section(() => eventSections(span.events || []), span));
  sections.push(h('h3', {}, 'Attributes'), kvTable(span.attributes));
  sections.push(h('details', {}, h('summary', {}, 'Resource'), kvTable(span.resource)));
  panel.replaceChildren(...sections.flat(Infinity));
  panelSig = spanSig(span);
}
