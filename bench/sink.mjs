// The sink: a separate process on loopback that receives every contender's export, counts spans
// exactly (protobuf framing, or JSON) and bytes on the wire, per run id (the first path segment).
// It answers the AgentOps auth exchange too, for contenders sending to the "vendor".
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

const require = createRequire(new URL('../packages/agentops/package.json', import.meta.url));
const { countSpans } = require('./dist/export/spool.js');

const runs = new Map(); // runId -> { spans, bytes, requests, at }
function stat(id) {
  let s = runs.get(id);
  if (!s) runs.set(id, (s = { spans: 0, bytes: 0, requests: 0, at: 0 }));
  return s;
}

function countJson(buf) {
  const req = JSON.parse(buf.toString('utf8'));
  let n = 0;
  for (const rs of req.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += (ss.spans ?? []).length;
  return n;
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const path = req.url ?? '/';
    if (path.endsWith('/v3/auth/token')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: 'bench-token', project_id: 'bench' }));
      return;
    }
    const id = path.split('/')[1] ?? '';
    if (path.endsWith('/v1/traces')) {
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const s = stat(id);
      s.spans += (req.headers['content-type'] ?? '').includes('json') ? countJson(body) : countSpans(body);
      s.bytes += raw.length;
      s.requests++;
      s.at = Date.now();
    }
    res.writeHead(200, { 'content-type': (req.headers['content-type'] ?? '').includes('json') ? 'application/json' : 'application/x-protobuf' });
    res.end((req.headers['content-type'] ?? '').includes('json') ? '{}' : '');
  });
});

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m.type === 'stats') process.send({ type: 'stats', id: m.id, stats: runs.get(m.id) ?? { spans: 0, bytes: 0, requests: 0, at: 0 } });
  if (m.type === 'forget') runs.delete(m.id);
});
process.on('disconnect', () => process.exit(0));
