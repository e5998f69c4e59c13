// Side-panel sections for the spans of agent frameworks: an agent run (its name, id, the tools it
// may call, its instructions when captured), a handoff (from and to) and a guardrail (its name and
// whether it tripped). Attribute values are whatever an exporter sent: only strings, lists of
// strings and booleans of the expected type are read, anything else is left to the attribute table.
import { h } from './view-helpers.js';

const text = (v) => (typeof v === 'string' && v !== '' ? v : undefined);

function row(label, value, id) {
  return value === undefined ? null : h('tr', {}, h('td', {}, label), h('td', id ? { id } : {}, value));
}

export function agentSections(span, pretty) {
  const a = span.attributes || {};
  if (span.category === 'agent') {
    const tools = Array.isArray(a['agentops.agent.tools']) ? a['agentops.agent.tools'].filter((t) => typeof t === 'string') : [];
    const out = [
      h('h3', {}, 'Agent'),
      h(
        'table',
        { class: 'kv', id: 'agent-info' },
        row('name', text(a['gen_ai.agent.name']), 'agent-name'),
        row('id', text(a['gen_ai.agent.id'])),
        row('description', text(a['gen_ai.agent.description'])),
        row('framework', text(a['agentops.framework'])),
        row('tools', tools.length > 0 ? tools.join(', ') : undefined, 'agent-tools'),
      ),
    ];
    if (a['agentops.agent.instructions'] !== undefined) out.push(h('h3', {}, 'Instructions'), h('pre', { id: 'agent-instructions' }, pretty(a['agentops.agent.instructions'])));
    return out;
  }
  if (span.category === 'handoff') {
    return [
      h('h3', {}, 'Handoff'),
      h('table', { class: 'kv', id: 'handoff-info' }, row('from', text(a['agentops.handoff.from']) ?? '-'), row('to', text(a['agentops.handoff.to']) ?? '-', 'handoff-to')),
    ];
  }
  if (span.category === 'guardrail') {
    const tripped = a['agentops.guardrail.triggered'];
    return [
      h('h3', {}, 'Guardrail'),
      h(
        'table',
        { class: 'kv', id: 'guardrail-info' },
        row('name', text(a['agentops.guardrail.name']) ?? '-'),
        row('tripped', typeof tripped === 'boolean' ? h('span', { class: tripped ? 'tripped' : '' }, tripped ? 'yes' : 'no') : '-', 'guardrail-tripped'),
      ),
    ];
  }
  return [];
}
