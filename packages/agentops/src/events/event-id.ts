/**
 * Random UUIDs (version 4 layout) for `agentops.event.id`. An event id only needs to be unique, not
 * unguessable, so it is drawn from Math.random (V8's xorshift128+, seeded per process from the OS)
 * through a hex table: about ten times cheaper than crypto.randomUUID() on the recording path.
 */
const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

export function eventId(): string {
  const a = (Math.random() * 0x100000000) >>> 0;
  const b = (Math.random() * 0x100000000) >>> 0;
  const c = (Math.random() * 0x100000000) >>> 0;
  const d = (Math.random() * 0x100000000) >>> 0;
  return (
    HEX[a & 0xff]! + HEX[(a >>> 8) & 0xff]! + HEX[(a >>> 16) & 0xff]! + HEX[a >>> 24]! + '-' +
    HEX[b & 0xff]! + HEX[(b >>> 8) & 0xff]! + '-' +
    HEX[((b >>> 16) & 0x0f) | 0x40]! + HEX[b >>> 24]! + '-' +
    HEX[(c & 0x3f) | 0x80]! + HEX[(c >>> 8) & 0xff]! + '-' +
    HEX[(c >>> 16) & 0xff]! + HEX[c >>> 24]! + HEX[d & 0xff]! + HEX[(d >>> 8) & 0xff]! + HEX[(d >>> 16) & 0xff]! + HEX[d >>> 24]!
  );
}
