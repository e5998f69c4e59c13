import type { Config } from 'jest';

const config: Config = {
  displayName: 'agentops',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.json' }] },
  // Loopback servers and child processes make some tests slow on 2 cores; none may hang forever.
  testTimeout: 60_000,
};

export default config;
