/**
 * Acceptance (REST query values out of range): `from` and `to` that are numbers or dates but lie
 * outside what the server stores times in (signed 64-bit nanoseconds, 1677 to 2262) are a 400
 * naming the parameter, as the documentation promises, not a 500: and nothing reaches the
 * server's log, no stack trace in particular. The extremes of the range itself are accepted.
 */
import { startServer, type LocalServer } from '../src';
import { protobufTraces, sampleSpans } from '../../../testing/otlp-fixtures';
import { SDK_ENV_CLEAR, setEnv } from '../../../testing/env';
import { tempDb } from './helpers/temp-db';

describe('from and to out of range', () => {
  const db = tempDb();
  const logged: string[] = [];
  let server: LocalServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    server = await startServer({ port: 0, dbPath: db.file, log: (line) => logged.push(line) });
    const res = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      body: protobufTraces(await sampleSpans(1, 'in-range')),
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${server.apiKey}` },
    });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await server.close();
    restoreEnv();
    db.remove();
  });

  const get = async (query: string): Promise<{ status: number; body: { error?: string; sessions?: unknown[] } }> => {
    const res = await fetch(`${server.url}/api/sessions?${query}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    return { status: res.status, body: (await res.json()) as { error?: string; sessions?: unknown[] } };
  };

  it.each([
    ['from', '99999999999999999999'],
    ['to', '+275760-09-13T00:00:00Z'],
    ['from', '-271821-04-20T00:00:00Z'],
    ['to', '9223372036855'],
    ['from', '-9223372036855'],
    ['to', '1e400'],
    ['from', '2262-04-12T00:00:00Z'],
  ])('answers %s=%s with 400 naming the parameter', async (name, value) => {
    const r = await get(`${name}=${encodeURIComponent(value)}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(new RegExp(`^${name} must be epoch milliseconds or an ISO 8601 date, from 1677-09-21T00:12:43\\.146Z to 2262-04-11T23:47:16\\.854Z; got `));
    expect(logged).toEqual([]);
  });

  it('accepts the extremes of the range', async () => {
    const widest = await get('from=-9223372036854&to=9223372036854');
    expect(widest.status).toBe(200);
    expect(widest.body.sessions).toHaveLength(1);
    expect((await get('from=1677-09-21T00:12:43.146Z&to=2262-04-11T23:47:16.854Z')).body.sessions).toHaveLength(1);
    expect((await get('from=2262-04-11T23:47:16.854Z')).body.sessions).toEqual([]);
    expect(logged).toEqual([]);
  });
});
