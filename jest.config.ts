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
    // One copy of each package in a test process: the sources, as tsconfig.json's paths say. The
    // built packages (dist/) are what child processes load, as an application would.
    moduleNameMapper: {
      '^agentops$': '<rootDir>/../agentops/src/index.ts',
      '^agentops/(semconv|hook)$': '<rootDir>/../agentops/src/$1.ts',
      '^@agentops/server$': '<rootDir>/../server/src/index.ts',
    },
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
