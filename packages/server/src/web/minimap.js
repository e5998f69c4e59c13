// The overview bar above a session's waterfall: the whole of the rows shown, left to right, with
// a mark for each ERROR span and each search match on its row, and the window of rows on screen.
// A click scrolls there. On a long session it is the way to see where the errors are.
import { h } from './view-helpers.js';

export function minimap(onPick) {
  const win = h('div', { class: 'mm-window', id: 'minimap-window' });
  const marks = h('div', { class: 'mm-marks' });
  const bar = h('div', {
    class: 'minimap',
    id: 'minimap',
    title: 'the whole session: errors in red, matches in amber; click to go there',
    onclick: (ev) => {
      const box = bar.getBoundingClientRect();
      onPick(Math.min(Math.max((ev.clientX - box.left) / box.width, 0), 1));
    },
  }, marks, win);
  return {
    el: bar,
    /** `rows`: the rows shown; `errors`/`matches`: marks with their `row` (null when hidden). */
    setMarks(rows, errors, matches) {
      const els = [];
      const put = (list, cls) => {
        // One mark per pixel column is all the bar can show: a million marks become at most ~1,000.
        const seen = new Set();
        for (const m of list) {
          if (m.row === null) continue;
          const at = Math.round((m.row / Math.max(rows, 1)) * 1000);
          if (seen.has(at)) continue;
          seen.add(at);
          els.push(h('span', { class: `mm-mark ${cls}`, style: `left:${at / 10}%`, 'data-row': m.row }));
        }
      };
      put(matches, 'match');
      put(errors, 'error');
      marks.replaceChildren(...els);
    },
    setWindow(rows, from, to) {
      const n = Math.max(rows, 1);
      win.style.left = `${(from / n) * 100}%`;
      win.style.width = `${Math.max(((to - from) / n) * 100, 0.5)}%`;
    },
  };
}
