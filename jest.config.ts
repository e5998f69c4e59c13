import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Loopback servers and child processes make some tests slow on 2 cores; none may hang forever.
  testTimeout: 60_000,
  // Two workers match the CI machine; each test file gets its own module registry and globals.
  maxWorkers: 2,
};

export default config;
