// What the reader chose to see of a session's tree: which rows are open (all, none, or the paths
// to errors, and the rows toggled from that), a search and a kind filter. The server applies it
// (/api/sessions/:id/rows and /marks take it as query parameters), so folding or filtering a
// session of a million spans sends only the rows on screen.

// The server takes at most this many toggled rows in one request.
export const MAX_TOGGLED = 500;

export function newTreeView() {
  return { open: 'all', toggle: new Set(), q: '', category: '' };
}

export function filtering(tv) {
  return tv.q !== '' || tv.category !== '';
}

export function viewParams(tv) {
  const p = new URLSearchParams();
  if (tv.open !== 'all') p.set('open', tv.open);
  if (tv.toggle.size > 0) p.set('toggle', [...tv.toggle].join(','));
  if (tv.q !== '') p.set('q', tv.q);
  if (tv.category !== '') p.set('category', tv.category);
  return p;
}

/** A row's open state flipped; false when the server would not take one more toggled row. */
export function toggleRow(tv, spanId) {
  if (tv.toggle.has(spanId)) tv.toggle.delete(spanId);
  else if (tv.toggle.size >= MAX_TOGGLED) return false;
  else tv.toggle.add(spanId);
  return true;
}
