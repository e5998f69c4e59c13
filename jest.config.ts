import type { Config } from 'jest';

// The ES-module-only packages the tests load: the AI SDK 7, its providers, @ai-sdk/otel and their
// dependency @workflow/serde, and the zod 3 ES module files they import through a path whose
// `require` condition names one (`zod/v4/locales/en.js`).
const ESM_ONLY = '/node_modules/(ai|@ai-sdk/[^/]+|@workflow/serde|zod/v4)/';

/** One workspace package's tests (packages/<dir>/tests), compiled by ts-jest against the repository's tsconfig. */
function workspacePackage(displayName: string, dir: string): Config {
  return {
    displayName,
    rootDir: `packages/${dir}`,
    testEnvironment: 'node',
    roots: ['<rootDir>/tests'],
    testMatch: ['**/*.test.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.json' }],
      [`${ESM_ONLY}.+\\.js$`]: '<rootDir>/../../testing/esm-to-cjs.cjs',
    },
    // Jest cannot require() an ES module on Node 22: the ES-module-only packages are compiled to CommonJS.
    transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY.slice('/node_modules/'.length)})`],
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
