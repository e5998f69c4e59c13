/**
 * Runs `fn` inside one SQLite transaction on `db`: committed when `fn` returns, rolled back when it
 * throws (the error is rethrown as it was). Not for nesting: starting one inside another fails
 * loudly ("cannot start a transaction within a transaction") rather than committing early.
 * `BEGIN IMMEDIATE` takes the write lock at once, for a transaction that reads what it then rewrites.
 */
import type { DatabaseSync } from 'node:sqlite';

export function transaction<T>(db: DatabaseSync, fn: () => T, begin: 'BEGIN' | 'BEGIN IMMEDIATE' = 'BEGIN'): T {
  db.exec(begin);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    rollback(db);
    throw err;
  }
  try {
    db.exec('COMMIT');
  } catch (err) {
    // A failed COMMIT (SQLITE_BUSY) leaves the transaction open: end it, or the connection stays in it.
    rollback(db);
    throw err;
  }
  return result;
}

function rollback(db: DatabaseSync): void {
  try {
    db.exec('ROLLBACK');
  } catch {
    /* SQLite already rolled back (some errors end the transaction themselves): nothing is open */
  }
}
