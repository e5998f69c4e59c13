/**
 * A local backend for a test file: started on a free loopback port with a fresh database before
 * its tests (with the SDK's environment variables cleared, so a developer's shell cannot change
 * an outcome), closed and removed after them.
 */
import { startServer, type LocalServer } from '../../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../../testing/env';
import { tempDb } from './temp-db';

export function useServer(): () => LocalServer {
  const db = tempDb();
  let server: LocalServer | undefined;
  let restoreEnv: () => void = () => undefined;
  beforeAll(async () => {
    restoreEnv = setEnv(SDK_ENV_CLEAR);
    server = await startServer({ port: 0, dbPath: db.file });
  });
  afterAll(async () => {
    await server?.close();
    restoreEnv();
    db.remove();
  });
  return () => server!;
}
