import type { Config } from 'jest';

const config: Config = {
  // Each package's tests, with its own settings (packages/*/jest.config.ts).
  projects: ['<rootDir>/packages/agentops', '<rootDir>/packages/server'],
  // Two workers match the CI machine; each test file gets its own module registry and globals.
  maxWorkers: 2,
  // A global option (the projects' own setting applies when a package's tests run alone).
  testTimeout: 60_000,
};

export default config;
