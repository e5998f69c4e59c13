// Loads Node's built-in SQLite, `node:sqlite`, for the main thread and for the worker threads (the
// write thread, the checkpointer). Plain CommonJS JavaScript, like write-worker.js, because a
// worker thread loads files as they are on disk, both from the sources and from the build.
//
// Node versions that still mark the module experimental print "ExperimentalWarning: SQLite is an
// experimental feature and might change at any time" the first time a thread loads it. The
// server's stderr carries its own diagnostics only, so exactly that warning is dropped, and only
// while the module loads: every other warning, then or later, is emitted as usual.
'use strict';

function isSqliteExperimentalWarning(warning, typeOrOptions) {
  const type = warning instanceof Error ? warning.name : typeof typeOrOptions === 'string' ? typeOrOptions : typeOrOptions && typeOrOptions.type;
  const message = warning instanceof Error ? warning.message : String(warning);
  return type === 'ExperimentalWarning' && message.startsWith('SQLite is an experimental feature');
}

const emitWarning = process.emitWarning;
process.emitWarning = function emitWarningExceptSqlite(warning, typeOrOptions) {
  if (isSqliteExperimentalWarning(warning, typeOrOptions)) return;
  return Reflect.apply(emitWarning, this, arguments);
};
try {
  module.exports = require('node:sqlite');
} finally {
  process.emitWarning = emitWarning;
}
