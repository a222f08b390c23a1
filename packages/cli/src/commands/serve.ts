/** `gatehouse serve`: run the server on the embedded store (or PostgreSQL) and say what to do next. */
import type { Command } from 'commander';
import { closeOnSignals, startServer } from '@gatehouse/server';
import { configFor } from '../io.js';

export function serveCommand(root: Command): void {
  root
    .command('serve')
    .description('run the Gatehouse server')
    .option('--host <host>', 'interface to listen on (GATEHOUSE_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port (GATEHOUSE_PORT, default 4000)')
    .action(async (opts: { host?: string; port?: string }, cmd: Command) => {
      const config = configFor(cmd, { ...(opts.host && { host: opts.host }), ...(opts.port && { port: Number(opts.port) }) });
      const server = await startServer(config);
      closeOnSignals(server);
      const store = config.databaseUrl ? 'PostgreSQL' : `embedded store in ${config.dataDir}`;
      process.stderr.write(
        [
          `Gatehouse is listening on ${server.url} (issuer ${config.issuer}, ${store}).`,
          '',
          'Next steps, in another shell:',
          '  1. Create an integration (its secret is shown once):',
          '       npx gatehouse integration create --env default --name demo --preset read-only --json',
          '  2. Trade its credentials for an access token:',
          `       curl -s ${config.issuer}/oauth/token -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials`,
          `  3. Verify it against ${config.issuer}/.well-known/jwks.json; the same request again returns the same token.`,
          `  Console: ${config.issuer}/console/ (first: printf '%s' 'PASSPHRASE' | npx gatehouse admin create --email YOU --password-stdin)`,
          '',
        ].join('\n'),
      );
    });
}
