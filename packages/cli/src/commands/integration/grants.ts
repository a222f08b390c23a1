/**
 * `gatehouse integration grant|revoke-grant CLIENT_ID --audience URI --scopes "…"`: adds scopes of
 * an API to an integration's grants, or takes them out (a grant reduction: its tokens for a tenant
 * API are revoked unless --keep-tokens).
 */
import type { Command } from 'commander';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import { output, withContext } from '../../io.js';

const split = (s: string | undefined) => (s ?? '').split(/[\s,]+/).filter(Boolean);

export function registerGrants(integration: Command): void {
  integration
    .command('grant <client_id>')
    .description("add scopes of an API to the integration's grants")
    .requiredOption('--audience <uri>', "the API's audience")
    .requiredOption('--scopes <scopes>', 'scopes to add, separated by spaces or commas')
    .action(async (clientId: string, opts: { audience: string; scopes: string }, cmd: Command) => {
      const add = split(opts.scopes);
      if (!add.length) throw new Error('--scopes is empty');
      const dto = await withContext(cmd, async (ctx) => {
        const { env, client } = await integrations.requireIntegration(ctx, clientId);
        const grants = integrations.grantsOf(env, client);
        const g = grants.find((x) => x.audience === opts.audience);
        if (g) g.scopes = [...new Set([...g.scopes, ...add])];
        else grants.push({ audience: opts.audience, scopes: add });
        return integrations.updateIntegration(ctx, CLI_ACTOR, clientId, { grants });
      });
      output(cmd, dto, (i) =>
        [`${i.client_id}: grants`, ...i.grants.map((g) => `  ${g.audience}: ${g.scopes.join(' ')}`)].join('\n'),
      );
    });
  integration
    .command('revoke-grant <client_id>')
    .description(
      "take scopes of an API out of the integration's grants (all of them without --scopes); its tokens for that API are revoked",
    )
    .requiredOption('--audience <uri>', "the API's audience")
    .option('--scopes <scopes>', 'scopes to take out, separated by spaces or commas (default: all)')
    .option('--keep-tokens', "keep the integration's unexpired tokens for the API (revoked by default)")
    .action(
      async (clientId: string, opts: { audience: string; scopes?: string; keepTokens?: boolean }, cmd: Command) => {
        const remove = split(opts.scopes);
        const dto = await withContext(cmd, async (ctx) => {
          const { env, client } = await integrations.requireIntegration(ctx, clientId);
          const grants = integrations.grantsOf(env, client);
          const g = grants.find((x) => x.audience === opts.audience);
          if (!g) throw new Error(`${clientId} holds no grant on ${JSON.stringify(opts.audience)}`);
          const missing = remove.find((s) => !g.scopes.includes(s));
          if (missing !== undefined)
            throw new Error(`${clientId} does not hold scope ${JSON.stringify(missing)} on ${opts.audience}`);
          g.scopes = remove.length ? g.scopes.filter((s) => !remove.includes(s)) : [];
          return integrations.updateIntegration(ctx, CLI_ACTOR, clientId, {
            grants: grants.filter((x) => x.scopes.length),
            ...(opts.keepTokens && { keep_tokens: true }),
          });
        });
        output(cmd, dto, (i) =>
          [
            `${i.client_id}: grants`,
            ...i.grants.map((x) => `  ${x.audience}: ${x.scopes.join(' ')}`),
            ...(i.grants.length ? [] : ['  (none)']),
          ].join('\n'),
        );
      },
    );
}
