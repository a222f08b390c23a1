/** `gatehouse token`: trade client credentials for an access token at a running server. */
import type { Command } from 'commander';
import { ioOf, output, servedIssuer } from '../io.js';

/** Where `gatehouse token` asks when nothing says otherwise. */
const DEFAULT_ISSUER = 'http://127.0.0.1:4000';

export function tokenCommand(root: Command): void {
  root
    .command('token')
    .description('request an access token (client_credentials) from a running server')
    .requiredOption('--client-id <id>', 'client_id')
    .requiredOption('--client-secret <secret>', 'client secret')
    .option('--audience <audience>', 'API audience (default: the Environment API)')
    .option('--scope <scope>', 'space-separated scopes (default: all granted)')
    .option(
      '--issuer <url>',
      `server URL (GATEHOUSE_ISSUER; default the URL the server on the store recorded, else ${DEFAULT_ISSUER})`,
    )
    .action(
      async (
        opts: { clientId: string; clientSecret: string; audience?: string; scope?: string; issuer?: string },
        cmd: Command,
      ) => {
        const issuer = (
          opts.issuer ??
          (ioOf(cmd).env.GATEHOUSE_ISSUER || undefined) ??
          (await servedIssuer(cmd)) ??
          DEFAULT_ISSUER
        ).replace(/\/$/, '');
        if (!URL.canParse(issuer)) throw new Error(`--issuer must be an absolute URL, got ${JSON.stringify(issuer)}`);
        const body = new URLSearchParams({ grant_type: 'client_credentials' });
        if (opts.audience) body.set('audience', opts.audience);
        if (opts.scope) body.set('scope', opts.scope);
        const basic = Buffer.from(
          `${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`,
        ).toString('base64');
        const url = `${issuer}/oauth/token`;
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }).catch((err: unknown) => {
          const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
          throw new Error(
            `could not reach ${url} (${cause}): is the server running there? Name it with --issuer URL or GATEHOUSE_ISSUER`,
          );
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
