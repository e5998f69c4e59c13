/**
 * Asks the session index thread (session-index-worker.js) for a window of a session's spans in
 * tree, start-time or arrival order, with the session's span count, extent and totals. The thread
 * does the work that grows with the session (reading its skeleton, ordering a million spans); the
 * main thread only reads the window's rows, so a big session costs the server's own thread what a
 * small one does. A failed thread fails the questions it had and is started afresh for the next.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Totals } from './session-view';

export type IndexOrder = 'tree' | 'start' | 'arrival';

export interface IndexQuery {
  order: IndexOrder;
  offset: number;
  limit: number;
  /** For `arrival`: spans stored after this sequence number. */
  since: number;
  /** For `tree`: which rows are open and which spans a search or filter keeps (tree-view.js). */
  view?: TreeViewQuery;
  /** For `tree`: a span whose closed ancestors are to be opened; the answer's `toggle` and `revealRow` say how. */
  reveal?: string;
  /** For `tree`: instead of rows, the ERROR spans or the filter's matches, with the row each is on. */
  marks?: 'errors' | 'matches';
}

export interface TreeViewQuery {
  /** Rows open unless toggled: every row, none, or those with an ERROR span under them. */
  open: 'all' | 'none' | 'errors';
  /** Span ids whose rows are the other way round from `open`'s. */
  toggle: string[];
  /** Keeps spans whose name holds this text (any case) or whose attributes hold it exactly; '' for all. */
  q: string;
  /** Keeps spans of these categories; none for all. */
  categories: string[];
  /** Keeps ERROR spans only. */
  status: boolean;
}

/** The totals the index thread counts; the duration comes from the session row. */
export type IndexTotals = Omit<Totals, 'durationMs'>;

export interface IndexWindow {
  /** Where the next `since` starts: every span stored so far is at or below it. */
  seq: number;
  rowCount: number;
  offset: number;
  startMs: number;
  endMs: number;
  totals: IndexTotals;
  ids: string[];
  depths: number[];
  /** A conversation's request number (its first, and each resumed one), or 0. */
  turns: number[];
  seqs: number[];
  /** Spans in the session (`rowCount` is the rows the view shows). */
  spanCount: number;
  /** Spans with status ERROR. */
  errorSpans: number;
  /** For `tree`: each row's children (all of them, open or not), whether it is open, matches the filter, and its ERROR spans under it. */
  /** For `tree`: each row's place in the whole tree, depth first, whatever is closed or filtered. */
  positions?: number[];
  children?: number[];
  open?: boolean[];
  match?: boolean[];
  errorsBelow?: number[];
  /** For `tree`: the rows toggled, after `reveal`. */
  toggle?: string[];
  revealRow?: number | null;
  /** For `tree` with a filter: the spans it matches. */
  matchCount?: number | null;
  /** For `marks`: all that were found, and the first `limit` of them. */
  total?: number;
  marks?: Array<{ spanId: string; position: number; row: number | null }>;
}

type Reply = (IndexWindow & { id: number; ok: true }) | { id: number; ok: false; message: string };

export class SessionIndex {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (w: IndexWindow) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly log: (line: string) => void,
    /** Raised by the checkpointer while a RESTART checkpoint runs: the thread starts no read meanwhile. */
    private readonly gate?: Int32Array,
  ) {}

  window(projectId: string, traceId: string, q: IndexQuery): Promise<IndexWindow> {
    if (this.closed) return Promise.reject(new Error('the server is shutting down'));
    const w = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<IndexWindow>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, projectId, traceId, ...q });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the server is shutting down'));
    if (w !== undefined) await w.terminate();
  }

  private start(): Worker {
    const w = new Worker(path.join(__dirname, 'session-index-worker.js'), { workerData: { file: this.file, gate: this.gate } });
    w.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m);
      else p.reject(new Error(`reading the session failed: ${m.message}`));
    });
    const gone = (err: Error): void => {
      if (this.worker !== w) return;
      this.worker = undefined;
      if (!this.closed) this.log(`the session index thread stopped: ${err.message}`);
      this.failAll(err);
    };
    w.on('error', gone);
    w.on('exit', () => gone(new Error('the session index thread exited')));
    // The server may exit while this thread is idle.
    w.unref();
    return w;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
