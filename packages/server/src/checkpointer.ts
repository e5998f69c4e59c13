/**
 * Copies the write-ahead log back into the database file on a thread of its own. SQLite's
 * automatic checkpoint runs inside the commit that crosses its threshold, on the writing thread,
 * and measured about half of the ingest time; here it runs beside the writer instead (PASSIVE: it
 * never blocks the writer, it copies what no reader still needs). If this thread dies, the main
 * connection turns SQLite's automatic checkpoints back on, so the log cannot grow without bound.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Storage } from './storage';

// Runs in the worker: its own connection to the same file, a checkpoint every interval. PASSIVE
// alone never catches up with a writer that commits without pause, so the log would grow for as
// long as the load lasts (and every page lookup walks more of its index); past restartFrames the
// worker runs a RESTART checkpoint, which holds new commits back for the moment it takes to copy
// the rest, so the next commit starts the log again from its beginning. A RESTART also waits for
// every reader of an older snapshot, and commits wait with it: a reader that reads back to back
// (the session index thread loading a big session) would keep it, and so ingest, waiting. While
// a RESTART runs the worker raises its gate (shared memory), and such readers start no new read
// until it is lowered: the RESTART waits only for the read in progress, a few milliseconds.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require(workerData.loadSqlite);
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 1000');
db.exec('PRAGMA journal_size_limit = ' + workerData.journalSizeLimit);
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    const r = passive.get();
    if (r && r.log > workerData.restartFrames) {
      // Readers that take turns (the session index thread) hold back while the gate is up.
      if (workerData.gate) Atomics.store(workerData.gate, 0, 1);
      try {
        db.exec('PRAGMA wal_checkpoint(RESTART)');
      } finally {
        if (workerData.gate) {
          Atomics.store(workerData.gate, 0, 0);
          Atomics.notify(workerData.gate, 0);
        }
      }
    }
  } catch (err) { /* busy: the next round catches up */ }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Frames (pages) the log may hold before a RESTART checkpoint: 8192 pages of 4 KiB, 32 MiB. */
const RESTART_FRAMES = 8192;
/** Size the log file is cut back to after a restart. */
export const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private closing = false;

  constructor(
    private readonly storage: Storage,
    intervalMs = 200,
    /** Raised while a RESTART checkpoint runs (see WORKER_SOURCE); shared with the session index thread. */
    gate?: Int32Array,
  ) {
    storage.db.exec('PRAGMA wal_autocheckpoint = 0');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // An absolute path: code given to a worker as a string resolves relative paths from the process's working directory.
      workerData: { loadSqlite: path.join(__dirname, 'load-sqlite.js'), file: storage.path, intervalMs, restartFrames: RESTART_FRAMES, journalSizeLimit: JOURNAL_SIZE_LIMIT, gate },
    });
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('error', () => undefined);
    void this.exited.then(() => {
      if (!this.closing && storage.db.isOpen) storage.db.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    });
  }

  /** Stops the worker, then checkpoints everything and empties the log from this connection. */
  async close(): Promise<void> {
    this.closing = true;
    this.worker.postMessage('close');
    await this.exited;
    if (this.storage.db.isOpen) {
      try {
        this.storage.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } catch {
        /* a reader in another process still holds the log: SQLite checkpoints it later */
      }
      this.storage.db.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    }
  }
}
