/** `gatehouse serve`: run the server on the embedded store (or PostgreSQL) and say what to do next. */
import cluster from 'node:cluster';
import type { Command } from 'commander';
import {
  closeOnSignals,
  openContext,
  prepareStore,
  redactDatabaseUrl,
  startServer,
  superviseWorkers,
  type Config,
} from '@gatehouse/server';
import { configFor, ioOf } from '../io.js';

interface ServeOptions {
  host?: string;
  port?: string;
  workers?: string;
}

export function serveCommand(root: Command): void {
  root
    .command('serve')
    .description('run the Gatehouse server')
    .option('--host <host>', 'interface to listen on (GATEHOUSE_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port (GATEHOUSE_PORT, default 4000)')
    .option(
      '--workers <n>',
      'processes sharing the port and the store (GATEHOUSE_WORKERS, default 1; see README "Performance")',
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      const config = configFor(cmd, {
        ...(opts.host && { host: opts.host }),
        ...(opts.port && { port: Number(opts.port) }),
      });
      const workers = workerCount(opts.workers ?? ioOf(cmd).env.GATEHOUSE_WORKERS);
      if (workers > 1 && cluster.isPrimary) {
        // Migrate and create the default environment and first key once, before the workers race.
        const ctx = await openContext(config);
        try {
          await prepareStore(ctx);
        } finally {
          await ctx.store.close();
        }
        superviseWorkers({
          workers,
          onListening: (port) => {
            const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
            ioOf(cmd).stderr.write(nextSteps(config, url, config.port === 0 ? url : config.issuer, workers));
          },
        });
        return;
      }
      const server = await startServer(config).catch((cause: unknown) => {
        const err = portTaken(cause, config);
        // A worker's IPC channel would keep it alive; it must exit so the primary sees the failure.
        if (cluster.isWorker) {
          process.stderr.write(`gatehouse: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exit(1);
        }
        throw err;
      });
      closeOnSignals(server);
      if (cluster.isPrimary) ioOf(cmd).stderr.write(nextSteps(config, server.url, server.publicUrl, 1));
    });
}

/** `err`, or for a port in use an error that says how to pick another. */
function portTaken(err: unknown, config: Config): unknown {
  const e = err as (NodeJS.ErrnoException & { port?: number }) | null;
  if (e?.code !== 'EADDRINUSE') return err;
  const metrics = config.metricsPort !== undefined && e.port === config.metricsPort && e.port !== 0;
  const [port, fix] = metrics
    ? [config.metricsPort, 'GATEHOUSE_METRICS_PORT']
    : [config.port, '--port N or GATEHOUSE_PORT'];
  return new Error(`port ${port} is already in use (another Gatehouse?): pick another with ${fix}`, { cause: err });
}

/** `--workers` as a count from 1 to 64. */
function workerCount(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new Error(`--workers must be an integer from 1 to 64, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * What it serves (public URL, store, throttle backend) and what to do next. The commands carry the
 * store flags this server runs with (`--data DIR`, or `--database-url` with the password shown as
 * `***`), so following them reaches the same store.
 * @param url where it listens; `publicUrl` the issuer it serves (recorded in the store for the CLI).
 */
function nextSteps(config: Config, url: string, publicUrl: string, workers: number): string {
  const shown = config.databaseUrl && redactDatabaseUrl(config.databaseUrl);
  const store = shown ? `PostgreSQL ${shown}` : `embedded store in ${config.dataDir}`;
  const throttle = config.redisUrl
    ? `Redis ${redactDatabaseUrl(config.redisUrl)}`
    : 'the store (set GATEHOUSE_REDIS_URL to count in Redis)';
  const flags = shown ? `--database-url ${shellQuote(shown)}` : `--data ${shellQuote(config.dataDir)}`;
  const notes = [
    ...(shown && shown !== config.databaseUrl ? ['  (put the database password where the URL shows ***)'] : []),
    ...(config.masterKeys.given
      ? ['  (with the same GATEHOUSE_MASTER_KEY exported: the store refuses any other key)']
      : []),
  ];
  return [
    `Gatehouse is listening on ${url} (${workers} worker${workers > 1 ? 's' : ''}):`,
    `  issuer:   ${publicUrl} (the public URL; CLI links use it)`,
    `  store:    ${store}`,
    `  throttle: ${throttle}`,
    '',
    'Next steps, in another shell:',
    ...notes,
    '  1. Create an integration (its secret is shown once):',
    `       npx gatehouse ${flags} integration create --env default --name demo --preset read-only --json`,
    '  2. Trade its credentials for an access token:',
    `       curl -s ${publicUrl}/oauth/token -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials`,
    `  3. Verify it against ${publicUrl}/.well-known/jwks.json; the same request again returns the same token.`,
    `  Console: ${publicUrl}/console/ (first: printf '%s' 'PASSPHRASE' | npx gatehouse ${flags} admin create --email YOU --password-stdin)`,
    '',
  ].join('\n');
}

/** `text` as one POSIX shell word: bare when it is plain, else single-quoted. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
