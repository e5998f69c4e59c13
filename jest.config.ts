import type { Config } from 'jest';

/** One workspace package's tests (packages/<dir>/tests), compiled by ts-jest against the repository's tsconfig. */
function workspacePackage(displayName: string, dir: string): Config {
  return {
    displayName,
    rootDir: `packages/${dir}`,
    testEnvironment: 'node',
    roots: ['<rootDir>/tests'],
    testMatch: ['**/*.test.ts'],
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.json' }] },
  };
}

const config: Config = {
  // `npm test -w <package>` runs one of them (`--selectProjects`).
  projects: [workspacePackage('agentops', 'agentops'), workspacePackage('server', 'server')],
  // Two workers match the CI machine; each test file gets its own module registry and globals.
  maxWorkers: 2,
  // Loopback servers and child processes make some tests slow on 2 cores; none may hang forever.
  testTimeout: 60_000,
};

export default config;
