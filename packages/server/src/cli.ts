#!/usr/bin/env node
/**
 * The `agentops` command: `serve` runs the local backend and viewer; `keys` and `projects`
 * manage the projects and API keys in its database.
 */
import './require-node';
import { Command, InvalidArgumentError } from 'commander';
import { AgentOpsError } from 'agentops';
import { DEFAULT_LIMITS } from './ingest-limits';
import { DEFAULT_DB_PATH, DEFAULT_PORT, isLoopbackHost, startServer, type LocalServer } from './server';
import { Storage } from './storage';
import { VERSION } from './version';

function portArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535 (0 picks a free port).');
  return Number(value);
}

function positiveArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a positive integer.');
  return Number(value);
}

const AGE_UNITS: Record<string, number> = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const MAX_AGE_MS = 100 * 365 * 86_400_000;

/** `30d`, `12h`, `90min`, `45s`, `2w` -> milliseconds. No `m`: on a command that deletes, minutes and months must not be confused. */
function ageArg(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|min|h|d|w)$/.exec(value.trim());
  if (!m || Number(m[1]) <= 0) throw new InvalidArgumentError('expected a positive number and a unit: s, min, h, d or w (e.g. 30d, 12h, 90min).');
  const ms = Number(m[1]) * AGE_UNITS[m[2]!]!;
  if (ms > MAX_AGE_MS) throw new InvalidArgumentError('at most 100 years.');
  return ms;
}

/** A repeatable option: each use adds its value (or its comma-separated values). */
function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** A word as a POSIX shell reads it back unchanged. */
const shellWord = (w: string): string => (/^[A-Za-z0-9_./:=-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** What `serve` prints: where the viewer is and what an agent needs in its environment. */
export function banner(server: LocalServer): string {
  const env = server.env();
  const lines = [
    `agentops local backend ${VERSION} listening on ${server.url}`,
    `  viewer:   ${server.viewerUrl({ apiKey: server.apiKey })}`,
    `  database: ${server.storage.path}`,
    `  project:  ${server.project.name} (${server.project.id})`,
    '',
    'Send an agent\'s sessions here by setting, in its environment:',
    ...Object.entries(env).map(([k, v]) => `  export ${k}=${v}`),
  ];
  if (!isLoopbackHost(server.host)) lines.push('  export OTEL_EXPORTER_OTLP_INSECURE=true   # plain http to a host that is not loopback');
  lines.push('', 'Press Ctrl-C to stop.');
  return lines.join('\n');
}

function fail(err: unknown): never {
  const code = err instanceof AgentOpsError ? ` [${err.code}]` : '';
  process.stderr.write(`agentops: ${(err as Error).message ?? String(err)}${code}\n`);
  process.exit(1);
}

const program = new Command();
program.name('agentops').description('agentops: record AI-agent sessions as OpenTelemetry traces, and view them locally.').version(VERSION);

program
  .command('serve')
  .description('Run the local backend and session viewer: it accepts what the SDK sends (auth exchange, OTLP/HTTP traces and metrics), stores it in SQLite and shows it in a web page.')
  .option('-p, --port <port>', 'TCP port to listen on; 0 picks a free port', portArg, DEFAULT_PORT)
  .option('-H, --host <host>', 'address to bind; anything but loopback (127.0.0.1, ::1, localhost) also needs --allow-remote', '127.0.0.1')
  .option('--db <file>', 'SQLite database file, created when missing (projects, keys, spans and metrics live here)', DEFAULT_DB_PATH)
  .option('--allow-remote', 'allow a --host that is reachable from other machines (prints a warning: there is no TLS)', false)
  .option('--max-body-mb <mb>', 'largest OTLP request body in MiB, before and after gzip; larger ones get 413', positiveArg, 32)
  .option('--token-ttl <seconds>', 'lifetime of the tokens handed out by /v3/auth/token', positiveArg, 86_400)
  .option('--allow-host <name>', 'also answer requests for this host name (repeatable; `.example.com` takes every name under it, `*` any name); localhost, IP addresses and --host are always answered', collect, [])
  .option('--max-spans <n>', 'most spans (or metric data points) in one OTLP request; more get 413', positiveArg, DEFAULT_LIMITS.maxSpansPerRequest)
  .option('--max-attributes <n>', 'most attributes (key-value pairs and array elements at any depth), events and links in one OTLP request; more get 413', positiveArg, DEFAULT_LIMITS.maxAttributesPerRequest)
  .action(async (opts: { port: number; host: string; db: string; allowRemote: boolean; maxBodyMb: number; tokenTtl: number; allowHost: string[]; maxSpans: number; maxAttributes: number }) => {
    let server: LocalServer;
    try {
      server = await startServer({
        port: opts.port,
        host: opts.host,
        dbPath: opts.db,
        allowRemote: opts.allowRemote,
        maxBodyBytes: opts.maxBodyMb * 1024 * 1024,
        tokenTtlSeconds: opts.tokenTtl,
        allowedHosts: opts.allowHost,
        maxSpansPerRequest: opts.maxSpans,
        maxAttributesPerRequest: opts.maxAttributes,
        log: (line) => process.stderr.write(`agentops serve: ${line}\n`),
      });
    } catch (err) {
      fail(err);
    }
    if (!isLoopbackHost(opts.host)) {
      process.stderr.write(
        `agentops serve: WARNING: listening on ${opts.host}, reachable from other machines over plain HTTP. API keys, tokens, prompts and completions travel unencrypted; put a TLS proxy in front or bind to 127.0.0.1.\n`,
      );
    }
    process.stdout.write(`${banner(server)}\n`);
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void server.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('keys')
  .description('List the projects and their API keys (creating the first project and key when the database has none).')
  .option('--db <file>', 'SQLite database file', DEFAULT_DB_PATH)
  .option('--create <project>', 'add a new API key to the named project')
  .option('--revoke <key>', 'delete an API key: the key and every token issued for it stop working at once, in a running server too')
  .action((opts: { db: string; create?: string; revoke?: string }) => {
    let storage: Storage | undefined;
    try {
      if (opts.create !== undefined && opts.revoke !== undefined) throw new Error('--create and --revoke cannot be used together');
      storage = Storage.open(opts.db);
      if (opts.revoke !== undefined) {
        const revoked = storage.revokeKey(opts.revoke.trim());
        if (revoked === undefined) throw new Error('no such API key in this database; see `agentops keys`');
        const { project, keysLeft } = revoked;
        process.stdout.write(`revoked a key of project ${project.name} (${project.id}); ${keysLeft} key${keysLeft === 1 ? '' : 's'} left\n`);
        if (keysLeft === 0) process.stdout.write(`add one with: agentops keys --create ${shellWord(project.name)}${opts.db === DEFAULT_DB_PATH ? '' : ` --db ${shellWord(opts.db)}`}\n`);
        return;
      }
      if (opts.create !== undefined) {
        const project = storage.projectByName(opts.create);
        if (project === undefined) throw new Error(`no project named ${JSON.stringify(opts.create)}; see \`agentops keys\``);
        process.stdout.write(`${storage.createKey(project.id)}\n`);
        return;
      }
      storage.defaultProject();
      for (const p of storage.listProjects()) {
        process.stdout.write(`project ${p.name} (${p.id})\n`);
        for (const k of p.keys) process.stdout.write(`  ${k}\n`);
      }
    } catch (err) {
      fail(err);
    } finally {
      storage?.close();
    }
  });

program
  .command('prune')
  .description('Delete old data: the sessions whose last span ended, and that the server last heard of, longer ago than --older-than, with their spans, and the metric points taken before then. Safe while `serve` runs on the same database.')
  .requiredOption('--older-than <age>', '(required) age of the data to delete: a number and a unit, s, min, h, d or w (e.g. 30d, 12h, 90min)', ageArg)
  .option('--project <name>', 'only this project (default: every project)')
  .option('--dry-run', 'only count what would be deleted', false)
  .option('--vacuum', 'then shrink the database file (rewrites it; needs free disk of twice its size; best with the server stopped)', false)
  .option('--db <file>', 'SQLite database file', DEFAULT_DB_PATH)
  .action((opts: { olderThan: number; project?: string; dryRun: boolean; vacuum: boolean; db: string }) => {
    let storage: Storage | undefined;
    try {
      storage = Storage.open(opts.db);
      let projectId: string | undefined;
      if (opts.project !== undefined) {
        projectId = storage.projectByName(opts.project)?.id;
        if (projectId === undefined) throw new Error(`no project named ${JSON.stringify(opts.project)}; see \`agentops keys\``);
      }
      const cutoff = Date.now() - opts.olderThan;
      const n = storage.prune(cutoff, projectId, opts.dryRun);
      process.stdout.write(
        `${opts.dryRun ? 'would delete' : 'deleted'} ${plural(n.sessions, 'session', 'sessions')} (${plural(n.spans, 'span', 'spans')}) that ended before ${new Date(cutoff).toISOString()}, and ${plural(n.metricPoints, 'metric point', 'metric points')}${opts.project === undefined ? '' : ` of project ${opts.project}`}\n`,
      );
      if (opts.vacuum && !opts.dryRun) {
        const done = storage.vacuum();
        process.stdout.write(done ? 'vacuumed the database file\n' : 'vacuumed the database; a server is using its log, so the file shrinks at its next checkpoint\n');
      }
    } catch (err) {
      fail(err);
    } finally {
      storage?.close();
    }
  });

const projects = program.command('projects').description('Manage projects: each has its own API keys and sees only its own sessions.');
projects
  .command('create')
  .description('Create a project with one API key, and print the key.')
  .argument('<name>', 'project name (unique)')
  .option('--db <file>', 'SQLite database file', DEFAULT_DB_PATH)
  .action((name: string, opts: { db: string }) => {
    let storage: Storage | undefined;
    try {
      storage = Storage.open(opts.db);
      storage.defaultProject();
      const { project, apiKey } = storage.createProject(name);
      process.stdout.write(`project ${project.name} (${project.id})\n  ${apiKey}\n`);
    } catch (err) {
      fail(err);
    } finally {
      storage?.close();
    }
  });

program.parseAsync(process.argv).catch(fail);
