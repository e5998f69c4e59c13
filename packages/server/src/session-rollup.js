// What a trace's root span and its turn spans say about their session, written into the session's
// row of `sessions`. Shared by the write thread (write-worker.js) and by the upgrade of a database
// written before turns were counted (schema-migration.ts); plain CommonJS JavaScript for the same
// reason as write-worker.js. Spans arrive in any order, so every rule gives the same row whatever
// the order:
//
// - name, session id, tags and service come from the root span (a session span wins over any other
//   parentless span); until it arrives, from the earliest turn, named by its `session.id`;
// - `turns` counts turn spans (each stored once; the root span is counted by `has_root`);
// - the end state and reason are those of the root or turn span that ended last (`state_end_ns`,
//   ties broken by span id), so a conversation shows the outcome of its latest request.
//
// A record is a SpanRecord (span-record.ts): traceId, spanId, startNs, endNs, statusCode, name and
// `root` or `turn` (sessionId, name, tags, endState, endReason, isSessionSpan, serviceName).
'use strict';

function prepareSessionRollup(db) {
  const setRoot = db.prepare(
    `UPDATE sessions SET has_root = 1, root_span_id = ?, session_id = ?, name = ?, tags = ?, service_name = ?,
       root_start_ns = ?, root_end_ns = ?, root_status_code = ?, root_is_session_span = ?
     WHERE project_id = ? AND trace_id = ? AND (has_root = 0 OR root_is_session_span = 0 OR ? = 1)`,
  );
  const setState = db.prepare(
    `UPDATE sessions SET end_state = ?, end_reason = ?, state_end_ns = ?, state_span_id = ?
     WHERE project_id = ? AND trace_id = ? AND (state_end_ns IS NULL OR (?, ?) >= (state_end_ns, state_span_id))`,
  );
  const addTurn = db.prepare('UPDATE sessions SET turns = turns + 1 WHERE project_id = ? AND trace_id = ?');
  const nameFromTurn = db.prepare(
    `UPDATE sessions SET session_id = ?, name = ?, tags = ?, service_name = ?, first_turn_start_ns = ?
     WHERE project_id = ? AND trace_id = ? AND has_root = 0 AND (first_turn_start_ns IS NULL OR ? < first_turn_start_ns)`,
  );

  function state(p, r, info) {
    setState.run(info.endState, info.endReason, r.endNs, r.spanId, p, r.traceId, r.endNs, r.spanId);
  }

  return {
    /** A parentless span (`r.root` set). Repeating it (a retried export) changes nothing. */
    root(p, r) {
      const info = r.root;
      const preferred = info.isSessionSpan ? 1 : 0;
      const changed = setRoot.run(r.spanId, info.sessionId, info.name, info.tags, info.serviceName, r.startNs, r.endNs, r.statusCode, preferred, p, r.traceId, preferred).changes;
      if (changed > 0) state(p, r, info);
    },
    /** A turn span (`r.turn` set), the first time it is stored. */
    turn(p, r) {
      const info = r.turn;
      addTurn.run(p, r.traceId);
      nameFromTurn.run(info.sessionId, info.sessionId ?? info.name, info.tags, info.serviceName, r.startNs, p, r.traceId, r.startNs);
      state(p, r, info);
    },
  };
}

module.exports = { prepareSessionRollup };
