/**
 * Cuts `value` to at most `limit` UTF-16 code units, ending in a marker that says how much was cut,
 * so a reader can tell a truncated prompt from a short one.
 */
export function truncate(value: string, limit: number): string {
  if (value.length <= limit) return value;
  const marker = `...[truncated ${value.length - limit} chars]`;
  let keep = limit - marker.length;
  if (keep <= 0) return value.slice(0, limit);
  // Never leave half of a surrogate pair at the cut: it would be invalid UTF-8 on the wire.
  const code = value.charCodeAt(keep - 1);
  if (code >= 0xd800 && code <= 0xdbff) keep -= 1;
  return value.slice(0, keep) + marker;
}
