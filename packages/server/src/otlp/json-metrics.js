// OTLP/JSON ExportMetricsServiceRequest (already parsed) -> the same request as OTLP/protobuf
// bytes, by the rules of json-transcode.js (which writes traces). Each metric keeps its first data
// field (gauge, sum, histogram, exponentialHistogram, summary); each data point the fields its
// protobuf message has: attributes, times, value (number points), count, sum, min, max, bucket
// counts and explicit bounds (histograms). Plain CommonJS for the same reason as json-transcode.js.
'use strict';

const { Writer } = require('protobufjs/minimal');
const j = require('./json-transcode');

// For each metric type: its field in Metric, and the field numbers of its data point's fields.
const TYPES = [
  ['gauge', 'gauge', 5, { attributes: 7, value: true }],
  ['sum', 'sum', 7, { attributes: 7, value: true }],
  ['histogram', 'histogram', 9, { attributes: 9, count: 4, sum: 5, buckets: 6, bounds: 7, min: 11, max: 12 }],
  ['exponentialHistogram', 'exponential_histogram', 10, { attributes: 1, count: 4, sum: 5, min: 12, max: 13 }],
  ['summary', 'summary', 11, { attributes: 7, count: 4, sum: 5 }],
];

function optionalDouble(v, path) {
  return v === undefined || v === null ? undefined : j.double(v, path);
}

function dataPoint(w, v, p, f) {
  const d = j.obj(v, p) || {};
  j.keyValues(w, f.attributes, j.field(d, 'attributes', 'attributes'), `${p}.attributes`);
  j.putFixed64(w, 2, j.int64(j.field(d, 'startTimeUnixNano', 'start_time_unix_nano'), `${p}.startTimeUnixNano`));
  j.putFixed64(w, 3, j.int64(j.field(d, 'timeUnixNano', 'time_unix_nano'), `${p}.timeUnixNano`));
  if (f.value) {
    const asDouble = j.field(d, 'asDouble', 'as_double');
    const asInt = j.field(d, 'asInt', 'as_int');
    // A oneof: written even when zero, so that the point has a value.
    if (asDouble !== undefined) w.uint32(j.tag(4, 1)).double(j.double(asDouble, `${p}.asDouble`));
    else if (asInt !== undefined) w.uint32(j.tag(6, 1)).sfixed64(j.int64(asInt, `${p}.asInt`));
  }
  if (f.count !== undefined) j.putFixed64(w, f.count, j.int64(j.field(d, 'count', 'count'), `${p}.count`));
  // Optional doubles: written when present, zero included.
  if (f.sum !== undefined) j.putDouble(w, f.sum, optionalDouble(j.field(d, 'sum', 'sum'), `${p}.sum`));
  if (f.buckets !== undefined) {
    const buckets = j.arr(j.field(d, 'bucketCounts', 'bucket_counts'), `${p}.bucketCounts`).map((b, i) => j.int64(b, `${p}.bucketCounts[${i}]`));
    if (buckets.length > 0) j.putMessage(w, f.buckets, () => buckets.forEach((b) => w.fixed64(b)));
    const bounds = j.arr(j.field(d, 'explicitBounds', 'explicit_bounds'), `${p}.explicitBounds`).map((b, i) => j.double(b, `${p}.explicitBounds[${i}]`));
    if (bounds.length > 0) j.putMessage(w, f.bounds, () => bounds.forEach((b) => w.double(b)));
  }
  if (f.min !== undefined) j.putDouble(w, f.min, optionalDouble(j.field(d, 'min', 'min'), `${p}.min`));
  if (f.max !== undefined) j.putDouble(w, f.max, optionalDouble(j.field(d, 'max', 'max'), `${p}.max`));
}

function metric(w, v, p, count) {
  const m = j.obj(v, p) || {};
  j.putString(w, 1, j.str(j.field(m, 'name', 'name'), `${p}.name`));
  j.putString(w, 2, j.str(j.field(m, 'description', 'description'), `${p}.description`));
  j.putString(w, 3, j.str(j.field(m, 'unit', 'unit'), `${p}.unit`));
  for (const [camel, snake, number, fields] of TYPES) {
    const raw = j.field(m, camel, snake);
    if (raw === undefined) continue;
    const dp = `${p}.${camel}`;
    const data = j.obj(raw, dp) || {};
    const points = j.arr(j.field(data, 'dataPoints', 'data_points'), `${dp}.dataPoints`);
    const temporality = j.enumValue(j.field(data, 'aggregationTemporality', 'aggregation_temporality'), j.TEMPORALITIES, `${dp}.aggregationTemporality`);
    const monotonic = j.bool(j.field(data, 'isMonotonic', 'is_monotonic'), `${dp}.isMonotonic`);
    j.putMessage(w, number, () => {
      points.forEach((x, i) => {
        count();
        j.putMessage(w, 1, () => dataPoint(w, x, `${dp}.dataPoints[${i}]`, fields));
      });
      if (camel !== 'gauge' && camel !== 'summary') j.putVarint(w, 2, temporality);
      if (camel === 'sum' && monotonic) w.uint32(j.tag(3, 0)).bool(true);
    });
    break;
  }
}

/** ExportMetricsServiceRequest (parsed OTLP/JSON) -> protobuf bytes. Throws OtlpJsonError, or JsonLimitError past `maxPoints`. */
function metricsRequest(body, maxPoints = Infinity) {
  const count = j.counter(maxPoints, 'data points');
  const w = Writer.create();
  j.arr(j.field(j.rootOf(body), 'resourceMetrics', 'resource_metrics'), 'resourceMetrics').forEach((rm, i) => {
    const rp = `resourceMetrics[${i}]`;
    const r = j.obj(rm, rp) || {};
    j.putMessage(w, 1, () => {
      j.resource(w, j.field(r, 'resource', 'resource'), `${rp}.resource`);
      j.arr(j.field(r, 'scopeMetrics', 'scope_metrics'), `${rp}.scopeMetrics`).forEach((sm, k) => {
        const sp = `${rp}.scopeMetrics[${k}]`;
        const so = j.obj(sm, sp) || {};
        j.putMessage(w, 2, () => {
          j.scope(w, j.field(so, 'scope', 'scope'), `${sp}.scope`);
          j.arr(j.field(so, 'metrics', 'metrics'), `${sp}.metrics`).forEach((x, n) => j.putMessage(w, 2, () => metric(w, x, `${sp}.metrics[${n}]`, count)));
        });
      });
    });
  });
  return w.finish();
}

module.exports = { metricsRequest };
