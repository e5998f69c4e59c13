/**
 * A scripted multi-agent run for the OpenAI Agents SDK against the loopback stub's Responses API:
 * a triage agent looks an order up with a function tool, hands off to a billing agent, and the
 * billing agent answers. `triageReplies()` are the three model answers in order (enqueue them on an
 * LlmStub); `buildTriageAgents()` builds the two agents from the SDK module it is given.
 */
import type * as Agents from '@openai/agents';
import { openaiResponse, type StubReply } from './llm-stub';

type AgentsModule = typeof Agents;

/** Tokens each scripted model call reports: the sums a test checks the chat spans against. */
export const TRIAGE_USAGE = [
  { input: 120, output: 18 },
  { input: 171, output: 11 },
  { input: 203, output: 34 },
] as const;

export const TRIAGE_ANSWER = 'Order 42 was charged twice; I have refunded the duplicate charge of $19.99.';

function withUsage(body: Record<string, unknown>, i: number, id: string): StubReply {
  const u = TRIAGE_USAGE[i]!;
  return {
    json: {
      ...body,
      id,
      usage: { input_tokens: u.input, input_tokens_details: { cached_tokens: 0 }, output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.input + u.output },
    },
  };
}

/** Tool call, handoff, final answer: one reply per model call. */
export function triageReplies(model = 'gpt-5-mini'): StubReply[] {
  return [
    withUsage(openaiResponse({ model, functionCall: { id: 'call_lookup_1', name: 'lookup_order', arguments: '{"order_id":42}' } }), 0, 'resp_triage_1'),
    withUsage(openaiResponse({ model, functionCall: { id: 'call_handoff_1', name: 'transfer_to_Billing_agent', arguments: '{}' } }), 1, 'resp_triage_2'),
    withUsage(openaiResponse({ model, text: TRIAGE_ANSWER }), 2, 'resp_billing_1'),
  ];
}

/** The triage agent (with the `lookup_order` tool and a handoff to `Billing agent`) and the billing agent. */
export function buildTriageAgents(
  agents: AgentsModule,
  lookup: (orderId: number) => Promise<string> | string = (id) => `order ${id}: charged twice on Monday`,
  model = 'gpt-5-mini',
): { triage: Agents.Agent; billing: Agents.Agent } {
  const lookupOrder = agents.tool({
    name: 'lookup_order',
    description: 'Find an order by id',
    parameters: { type: 'object', properties: { order_id: { type: 'number' } }, required: ['order_id'], additionalProperties: false },
    strict: true,
    // A failing lookup fails the run, so the caller sees the tool's own error.
    errorFunction: null,
    execute: async (input) => lookup(Number((input as { order_id: number }).order_id)),
  });
  const billing = new agents.Agent({ name: 'Billing agent', instructions: 'You resolve billing problems: refunds and double charges.', model });
  const triage = new agents.Agent({
    name: 'Triage agent',
    instructions: 'Look the order up, then hand billing questions to the billing agent.',
    model,
    tools: [lookupOrder],
    handoffs: [billing],
  });
  return { triage, billing };
}
