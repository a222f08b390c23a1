/** `gatehouse integration create`: a new integration; its secret is printed once. */
import type { Command } from 'commander';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import { output, withContext } from '../../io.js';

export function registerCreate(integration: Command): void {
  integration
    .command('create')
    .description('create an integration; prints its client secret once')
    .requiredOption('--env <slug>', 'environment')
    .requiredOption('--name <name>', 'name')
    .option('--description <text>', 'description')
    .option('--preset <preset>', 'read-only | all-permissions')
    .option('--scopes <scopes>', 'space-separated Environment API scopes')
    .action(async (opts: { env: string; name: string; description?: string; preset?: string; scopes?: string }, cmd: Command) => {
      if (!opts.preset === !opts.scopes) throw new Error('give exactly one of --preset or --scopes');
      if (opts.preset && opts.preset !== 'read-only' && opts.preset !== 'all-permissions') throw new Error('--preset must be read-only or all-permissions');
      const created = await withContext(cmd, (ctx) =>
        integrations.createIntegration(ctx, CLI_ACTOR, opts.env, {
          name: opts.name,
          ...(opts.description !== undefined && { description: opts.description }),
          ...(opts.preset && { preset: opts.preset as 'read-only' | 'all-permissions' }),
          ...(opts.scopes !== undefined && { scopes: opts.scopes.split(/\s+/).filter(Boolean) }),
        }),
      );
      const { id, client_id, client_secret, scopes } = created;
      output(cmd, { id, client_id, client_secret, scopes }, (c) =>
        [
          `Created integration ${opts.name} in ${opts.env}.`,
          `  client_id:     ${c.client_id}`,
          `  client_secret: ${c.client_secret}`,
          `  scopes:        ${c.scopes.join(' ')}`,
          'Store the secret now: it is not shown again.',
        ].join('\n'),
      );
    });
}
