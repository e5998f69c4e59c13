// Kept in step with package.json by tests/package.test.ts.
export const VERSION = '0.1.0';
export const USER_AGENT = `agentops-js/${VERSION} (node ${process.versions.node})`;
