/**
 * `gatehouse integration add-federated-credential|list-federated-credentials|remove-federated-credential`
 * (issue #26): the platform issuers and subjects (Kubernetes service accounts, GitHub Actions
 * workflows, SPIFFE IDs) whose tokens authenticate as an integration instead of a secret or key.
 * The issuer rules are the server's (https, or http for a host of `GATEHOUSE_JWKS_URI_ALLOWED_HOSTS`).
 */
import type { Command } from 'commander';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import type { FederatedCredentialAdd } from '@gatehouse/contracts';
import { confirm, output, table, withContext } from '../../io.js';

/** Collects repeated `--claim k=v` into an object. @throws Error for a value without `=`. */
export function claim(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`--claim ${JSON.stringify(value)}: expected path=value`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function registerFederated(integration: Command): void {
  integration
    .command('add-federated-credential <client_id>')
    .description("trust a platform's tokens (issuer + subject) instead of a secret or key")
    .requiredOption('--issuer <url>', 'the issuer (iss), an https URL with an OpenID discovery document')
    .requiredOption('--subject <sub>', 'the exact sub, e.g. system:serviceaccount:NS:NAME')
    .option('--audience <aud>', "the aud the token carries (default: this server's issuer identifier)")
    .option('--jwks-uri <url>', "the issuer's JWKS, when it publishes no discovery document")
    .option('--claim <path=value>', 'an exact-match claim condition (dotted path), repeatable', claim)
    .action(
      async (
        clientId: string,
        opts: { issuer: string; subject: string; audience?: string; jwksUri?: string; claim?: Record<string, string> },
        cmd: Command,
      ) => {
        const input: FederatedCredentialAdd = {
          issuer: opts.issuer,
          subject: opts.subject,
          ...(opts.audience !== undefined && { audience: opts.audience }),
          ...(opts.jwksUri !== undefined && { jwks_uri: opts.jwksUri }),
          ...(opts.claim && { claims: opts.claim }),
        };
        const added = await withContext(cmd, (ctx) =>
          integrations.addFederatedCredential(ctx, CLI_ACTOR, clientId, input),
        );
        output(cmd, added, (c) => `Added federated credential ${c.id} (${c.issuer} ${c.subject}) to ${clientId}.`);
      },
    );
  integration
    .command('list-federated-credentials <client_id>')
    .description('list the federated credentials of an integration')
    .action(async (clientId: string, _opts: unknown, cmd: Command) => {
      const items = await withContext(cmd, (ctx) => integrations.listFederatedCredentials(ctx, clientId));
      output(cmd, items, (cs) => table(cs, ['id', 'issuer', 'subject', 'audience', 'created_at']));
    });
  integration
    .command('remove-federated-credential <client_id>')
    .description('remove a federated credential; its platform tokens fail from then on')
    .requiredOption('--id <id>', 'the credential to remove')
    .action(async (clientId: string, opts: { id: string }, cmd: Command) => {
      if (!(await confirm(cmd, `Remove federated credential ${opts.id} of ${clientId}?`))) return;
      await withContext(cmd, (ctx) => integrations.removeFederatedCredential(ctx, CLI_ACTOR, clientId, opts.id));
      output(cmd, { client_id: clientId, id: opts.id, removed: true }, () => `Removed ${opts.id} of ${clientId}.`);
    });
}
