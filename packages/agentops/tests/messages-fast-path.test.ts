/**
 * The hot-path shortcuts for message JSON give exactly the text of the general path: a prompt of
 * plain `{ role, content: string }` messages, and a completion recorded as a string. Anything with
 * more to it (names, tool calls, parts, hostile objects) still takes the general path.
 */
import { inputMessagesJson, outputMessagesJson, toMessages } from '../src/events/messages';
import { safeJson } from '../src/serialize/safe-json';

const LIMIT = 131072;

function general(prompt: unknown): string | undefined {
  return safeJson(toMessages(prompt, 'user'), LIMIT);
}

describe('message JSON shortcuts', () => {
  it.each([
    [[]],
    [[{ role: 'user', content: 'hi' }]],
    [[{ role: 'system', content: 'Be "brief".\n' }, { role: 'user', content: 'é 😀 \u2028' }]],
    [[{ content: 'no role' }]],
    [[{ role: 'tool', content: 'no call id' }]],
  ])('a plain chat prompt %# reads the same as through the general path', (prompt) => {
    expect(inputMessagesJson(prompt, LIMIT)).toBe(general(prompt));
  });

  it.each([
    [[{ role: 'user', content: 'hi', name: 'ada' }]],
    [[{ role: 'assistant', content: null, tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{"a":1}' } }] }]],
    [[{ role: 'tool', tool_call_id: 'c', content: '42' }]],
    [[{ role: 'user', content: [{ type: 'text', text: 'part' }] }]],
  ])('a message with more to it %# takes the general path', (prompt) => {
    const text = inputMessagesJson(prompt, LIMIT);
    expect(text).toBe(general(prompt));
    expect(text).not.toBeUndefined();
  });

  it('falls back when reading a message throws', () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); } });
    const text = inputMessagesJson([hostile], LIMIT);
    expect(text).toBe(general([hostile]));
    expect(text).toContain('"role":"user"');
  });

  it('truncates a long prompt like the general path', () => {
    const prompt = [{ role: 'user', content: 'x'.repeat(500) }];
    expect(inputMessagesJson(prompt, 100)).toBe(safeJson(toMessages(prompt, 'user'), 100));
  });

  it('a one-choice text completion recorded as a string reads as the assistant message would', () => {
    const message = { role: 'assistant', content: 'Shipped.', refusal: null, annotations: [] };
    expect(outputMessagesJson('Shipped.', ['stop'], LIMIT)).toBe(outputMessagesJson([message], ['stop'], LIMIT));
  });
});
