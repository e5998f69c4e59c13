// What a reader sees of a session's span tree: which rows are open or closed, which spans a search
// or a kind filter keeps, and where each shown span sits. Used by session-index-worker.js on the
// tree it keeps in depth-first order, where every subtree is one run of positions: a closed row
// skips its whole subtree in one step, so a view of a million spans costs one pass and no
// download of the rows it hides. No recursion anywhere (a chain may be a million deep).
'use strict';

/**
 * From the depth-first order and depths: each position's subtree size, its number of children and
 * its parent position, and a running count of ERROR spans (errors in a subtree are a difference).
 */
function shapeOf(order, depth, err, n) {
  const size = new Int32Array(n);
  const children = new Int32Array(n);
  const parentPos = new Int32Array(n);
  const errPrefix = new Int32Array(n + 1);
  const stack = new Int32Array(n);
  let top = 0;
  for (let k = 0; k < n; k++) {
    errPrefix[k + 1] = errPrefix[k] + err[order[k]];
    while (top > 0 && depth[stack[top - 1]] >= depth[k]) {
      const done = stack[--top];
      size[done] = k - done;
    }
    parentPos[k] = top > 0 ? stack[top - 1] : -1;
    if (top > 0) children[stack[top - 1]]++;
    stack[top++] = k;
  }
  while (top > 0) {
    const done = stack[--top];
    size[done] = n - done;
  }
  return { size, children, parentPos, errPrefix };
}

const OPEN_BASES = new Set(['all', 'none', 'errors']);

/**
 * A view of the tree. `spec`: { open: 'all' | 'none' | 'errors', toggle: Set of positions whose
 * open state is the opposite of `open`'s, match: Uint8Array by position or null (no filter) }.
 * With a filter, a span is kept when it or a span under it matches (the path to a match stays
 * as context). A kept span is shown when every span above it is open.
 */
function buildView(T, n, spec) {
  const { size, errPrefix } = T;
  const errorsBelow = (k) => errPrefix[k + size[k]] - errPrefix[k + 1];
  const baseOpen = spec.open === 'all' ? () => true : spec.open === 'none' ? () => false : (k) => errorsBelow(k) > 0;
  const isOpen = (k) => baseOpen(k) !== spec.toggle.has(k);
  let matchPrefix = null;
  if (spec.match !== null) {
    matchPrefix = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) matchPrefix[k + 1] = matchPrefix[k] + spec.match[k];
  }
  const kept = matchPrefix === null ? () => true : (k) => matchPrefix[k + size[k]] - matchPrefix[k] > 0;
  // Everything open and nothing filtered is the tree itself: no list to build (the common case).
  if (spec.open === 'all' && spec.toggle.size === 0 && matchPrefix === null) {
    return { count: n, posAt: (r) => r, rowOf: (k) => k, isOpen, errorsBelow, matchCount: n };
  }
  const list = new Int32Array(n);
  const rows = new Int32Array(n).fill(-1);
  let count = 0;
  let k = 0;
  while (k < n) {
    if (!kept(k)) {
      k += size[k];
      continue;
    }
    rows[k] = count;
    list[count++] = k;
    k += isOpen(k) ? 1 : size[k];
  }
  return {
    count,
    posAt: (r) => list[r],
    rowOf: (p) => (rows[p] === -1 ? null : rows[p]),
    isOpen,
    errorsBelow,
    matchCount: matchPrefix === null ? n : matchPrefix[n],
  };
}

/**
 * The positions above `k` that are closed in `view`: opening them all shows `k` (when the filter
 * keeps it). Nearest first.
 */
function closedAbove(T, view, k) {
  const out = [];
  for (let p = T.parentPos[k]; p !== -1; p = T.parentPos[p]) if (!view.isOpen(p)) out.push(p);
  return out;
}

module.exports = { OPEN_BASES, buildView, closedAbove, shapeOf };
