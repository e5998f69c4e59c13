// The thread that parses OTLP/JSON request bodies and turns them into OTLP/protobuf, so that
// JSON.parse of a large body (which cannot be interrupted: 32 MiB take about half a second) never
// runs on the thread that answers requests. It runs with a capped heap (json-decoder.ts starts it
// with resourceLimits) and is ended when a body takes too long, so one body can cost neither
// unbounded memory nor unbounded time. Plain CommonJS JavaScript, like write-worker.js.
//
// in:  { id, signal: 'traces' | 'metrics', body: Uint8Array, maxValues, maxDepth, maxItems }
// out: { id, ok: true, bytes: Uint8Array } | { id, ok: false, status: 400 | 413, message }
'use strict';

const { parentPort } = require('node:worker_threads');
const { traceRequest, JsonLimitError } = require('./otlp/json-transcode.js');
const { metricsRequest } = require('./otlp/json-metrics.js');

class Refused extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Counts the values of a JSON text (each object, array, member and element) and its nesting
 * before JSON.parse builds it: a few kilobytes of gzip can hold millions of empty objects, and
 * JSON.parse would build every one of them first.
 */
function prescan(buf, maxValues, maxDepth) {
  let values = 0;
  let depth = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x22) {
      // A string: skip to its closing quote, past escapes.
      for (i++; i < buf.length && buf[i] !== 0x22; i++) if (buf[i] === 0x5c) i++;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      values++;
      if (++depth > maxDepth) throw new Refused(400, `OTLP/JSON nested deeper than ${maxDepth} levels`);
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c || c === 0x3a) values++;
    else continue;
    if (values > maxValues) throw new Refused(413, `the request holds more than ${maxValues} JSON values (limit maxFieldsPerRequest): send fewer per request`);
  }
}

function decode(msg) {
  const body = Buffer.from(msg.body.buffer, msg.body.byteOffset, msg.body.byteLength);
  prescan(body, msg.maxValues, msg.maxDepth);
  let parsed;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new Refused(400, String(err.message).slice(0, 300));
  }
  const bytes = msg.signal === 'traces' ? traceRequest(parsed, msg.maxItems) : metricsRequest(parsed, msg.maxItems);
  // protobufjs may hand back a slice of a shared pool: only a buffer of its own can be transferred.
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

parentPort.on('message', (msg) => {
  try {
    const bytes = decode(msg);
    parentPort.postMessage({ id: msg.id, ok: true, bytes }, [bytes.buffer]);
  } catch (err) {
    const status = err instanceof Refused ? err.status : err instanceof JsonLimitError ? 413 : 400;
    parentPort.postMessage({ id: msg.id, ok: false, status, message: String((err && err.message) || err).slice(0, 500) });
  }
});
