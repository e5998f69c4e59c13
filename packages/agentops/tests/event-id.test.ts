import { eventId } from '../src/events/event-id';

describe('event ids', () => {
  it('are version 4 UUIDs (RFC 9562 layout) and do not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      const id = eventId();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(200_000);
  });
});
