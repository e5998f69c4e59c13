/**
 * Acceptance (DNS rebinding, sniffing): a server bound to loopback answers 403 to a request whose
 * `Host` names another site (what a DNS-rebinding page sends), on every route: the viewer, the
 * REST API, the token exchange and OTLP ingest (nothing is stored). It answers `localhost`, names
 * under `.localhost`, IP addresses, and an HTTP/1.0 request without a Host header. More names are allowed
 * with `allowedHosts` (`--allow-host`, also on the command line). Every answer, whatever its
 * route or status, carries `X-Content-Type-Options: nosniff`.
 */
import http from 'node:http';
import net from 'node:net';
import { startServer, type LocalServer } from '../src';
import { protobufTraces, sampleSpans } from '../../../testing/otlp-fixtures';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { serve } from './helpers/cli-process';
import { tempDb } from './helpers/temp-db';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request to 127.0.0.1:`port` with the given Host header. */
function request(port: number, host: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host, ...options.headers }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the Host header', () => {
  const db = tempDb();
  let server: LocalServer;
  let restoreEnv: () => void;
  let traces: Buffer;

  beforeAll(async () => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    server = await startServer({ port: 0, dbPath: db.file });
    traces = protobufTraces(await sampleSpans(1, 'host'));
  });

  afterAll(async () => {
    await server.close();
    restoreEnv();
    db.remove();
  });

  /** One request of each kind a rebinding page would want to make. */
  const everyRoute = (host: string): Array<Promise<Answer>> => {
    const auth = { authorization: `Bearer ${server.apiKey}` };
    return [
      request(server.port, host, '/sessions'),
      request(server.port, host, '/healthz'),
      request(server.port, host, '/api/project', { headers: auth }),
      request(server.port, host, '/v3/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: server.apiKey }) }),
      request(server.port, host, '/v1/traces', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf' }, body: traces }),
    ];
  };

  it.each(['evil.example', 'evil.example:PORT', 'attacker.test:80', '127.0.0.1.evil.example:PORT', 'localhost.evil.example', 'EVIL.example.:PORT', 'bad host', '[::1]x'])(
    'refuses Host %s on every route and stores nothing',
    async (template) => {
      const before = server.countSpans();
      const answers = await Promise.all(everyRoute(template.replace('PORT', String(server.port))));
      for (const a of answers) {
        expect(a.status).toBe(403);
        expect(JSON.parse(a.body)).toEqual({ error: expect.stringContaining('is not allowed') });
        expect(a.headers['x-content-type-options']).toBe('nosniff');
      }
      expect(server.countSpans()).toBe(before);
    },
  );

  it.each(['localhost:PORT', '127.0.0.1:PORT', '[::1]:PORT', 'LOCALHOST', 'app.localhost:PORT', '10.1.2.3:PORT', '[fe80::1]'])('answers Host %s', async (template) => {
    const answers = await Promise.all(everyRoute(template.replace('PORT', String(server.port))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('answers an HTTP/1.0 request without a Host header', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = net.connect(server.port, '127.0.0.1', () => socket.end(`GET /api/project HTTP/1.0\r\nAuthorization: Bearer ${server.apiKey}\r\n\r\n`));
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (text += c));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain(server.project.id);
  });

  it('answers the names given in allowedHosts, and still refuses others', async () => {
    const other = tempDb();
    const s = await startServer({ port: 0, dbPath: other.file, allowedHosts: ['agentops.internal', '.corp.example'] });
    try {
      for (const host of ['agentops.internal', 'AgentOps.Internal:8080', 'corp.example', 'a.b.corp.example:1']) expect((await request(s.port, host, '/healthz')).status).toBe(200);
      for (const host of ['other.example', 'xcorp.example', 'agentops.internal.evil.example']) expect((await request(s.port, host, '/healthz')).status).toBe(403);
    } finally {
      await s.close();
      other.remove();
    }
    await expect(startServer({ port: 0, dbPath: other.file, allowedHosts: 'agentops.internal' as unknown as string[] })).rejects.toMatchObject({ code: 'AGENTOPS_INVALID_OPTION' });
  });

  it('takes --allow-host on the command line', async () => {
    const other = tempDb();
    const child = await serve(['--port', '0', '--db', other.file, '--allow-host', 'agentops.internal', '--allow-host', '.corp.example']);
    try {
      const port = Number(new URL(child.env.AGENTOPS_API_ENDPOINT!).port);
      expect((await request(port, 'agentops.internal', '/healthz')).status).toBe(200);
      expect((await request(port, 'x.corp.example', '/healthz')).status).toBe(200);
      expect((await request(port, 'evil.example', '/healthz')).status).toBe(403);
    } finally {
      await child.stop();
      other.remove();
    }
  });

  it('sends X-Content-Type-Options: nosniff with every answer', async () => {
    const p = server.port;
    const host = `127.0.0.1:${p}`;
    const auth = { authorization: `Bearer ${server.apiKey}` };
    const answers = await Promise.all([
      request(p, host, '/healthz'),
      request(p, host, '/'),
      request(p, host, '/sessions'),
      request(p, host, '/assets/app.js'),
      request(p, host, '/assets/app.css'),
      request(p, host, '/nowhere'),
      request(p, host, '/healthz', { method: 'POST' }),
      request(p, host, '/api/sessions'),
      request(p, host, '/api/sessions?limit=0', { headers: auth }),
      request(p, host, '/api/sessions', { headers: auth }),
      request(p, host, '/v3/auth/token', { method: 'POST', body: '{' }),
      request(p, host, '/v1/traces', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'x' }),
      request(p, host, '/v1/traces', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf' }, body: Buffer.from([0x0f]) }),
      request(p, host, '/v1/traces', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf', 'content-length': String(64 * 1024 * 1024) } }),
      request(p, host, '/v1/traces', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf' }, body: traces }),
      request(p, 'evil.example', '/healthz'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 302, 200, 200, 200, 404, 405, 401, 400, 200, 400, 415, 400, 413, 200, 403]);
    for (const a of answers) expect(a.headers['x-content-type-options']).toBe('nosniff');
  });
});
