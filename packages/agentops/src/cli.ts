#!/usr/bin/env node
/**
 * The `agentops` command. The commands themselves (`serve`, `keys`, `prune`, `projects`) belong to
 * the local backend, a separate package, so that an agent that installs the SDK gets no database
 * and no server code: this file only finds `@agentops/server` (next to the app first, then next to
 * this package) and hands over to its command line. Without it, one line says what to install.
 */
const SERVER_PACKAGE = '@agentops/server';

function serverCli(): string | undefined {
  try {
    return require.resolve(`${SERVER_PACKAGE}/cli`, { paths: [process.cwd(), __dirname] });
  } catch {
    return undefined;
  }
}

const cli = serverCli();
if (cli === undefined) {
  process.stderr.write(`agentops: the local backend and its commands are in a separate package; install it with: npm install --save-dev ${SERVER_PACKAGE}\n`);
  process.exitCode = 1;
} else {
  require(cli);
}
