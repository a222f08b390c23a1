/** `gatehouse token`: trade client credentials for an access token at a running server. */
import type { Command } from 'commander';
import { ioOf, output } from '../io.js';

export function tokenCommand(root: Command): void {
  root
    .command('token')
    .description('request an access token (client_credentials) from a running server')
    .requiredOption('--client-id <id>', 'client_id')
    .requiredOption('--client-secret <secret>', 'client secret')
    .option('--audience <audience>', 'API audience (default: the Environment API)')
    .option('--scope <scope>', 'space-separated scopes (default: all granted)')
    .option('--issuer <url>', 'server URL (GATEHOUSE_ISSUER, default http://127.0.0.1:4000)')
    .action(
      async (
        opts: { clientId: string; clientSecret: string; audience?: string; scope?: string; issuer?: string },
        cmd: Command,
      ) => {
        const issuer = (opts.issuer ?? ioOf(cmd).env.GATEHOUSE_ISSUER ?? 'http://127.0.0.1:4000').replace(/\/$/, '');
        const body = new URLSearchParams({ grant_type: 'client_credentials' });
        if (opts.audience) body.set('audience', opts.audience);
        if (opts.scope) body.set('scope', opts.scope);
        const basic = Buffer.from(
          `${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`,
        ).toString('base64');
        const res = await fetch(`${issuer}/oauth/token`, {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        const json = (await res.json()) as Record<string, unknown>;
        if (!res.ok) throw new Error(`${res.status} ${String(json.error)}: ${String(json.error_description ?? '')}`);
        output(
          cmd,
          json,
          (j) =>
            `access_token: ${String(j.access_token)}\nexpires_in:   ${String(j.expires_in)} s\nscope:        ${String(j.scope)}`,
        );
      },
    );
}
