/**
 * The local backend stores its data with `node:sqlite`, which Node.js has without a flag since
 * 22.13 (and the SDK it serves needs 22.15). npm only warns about `engines`, so on an older Node the
 * command would die with a stack trace about a missing built-in module: it says so in one line.
 * Imported first by the command line, before anything loads SQLite.
 */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  process.stderr.write(`agentops: the local backend needs Node.js 22.15 or newer; this is ${process.version}\n`);
  process.exit(1);
}
