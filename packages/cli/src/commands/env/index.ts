/** `gatehouse env create|list|set|delete`: environments (tenants) and their token settings. */
import type { Command } from 'commander';
import { CLI_ACTOR, environments } from '@gatehouse/server';
import { EnvironmentCreate, EnvironmentUpdate } from '@gatehouse/contracts';
import { output, table, withContext } from '../../io.js';
import { checked } from '../../validate.js';
import { registerCredentials, registerRemovePublicKey } from './credentials.js';
import { registerDelete } from './delete.js';

function seconds(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of seconds`);
    return n;
  };
}

export function envCommand(root: Command): void {
  const env = root.command('env').description('manage environments');
  env
    .command('create <slug>')
    .description('create an environment with the built-in Environment API')
    .option('--name <name>', 'display name')
    .action(async (slug: string, opts: { name?: string }, cmd: Command) => {
      checked(
        EnvironmentCreate,
        { slug, ...(opts.name !== undefined && { name: opts.name }) },
        {
          slug: 'the slug',
          name: '--name',
        },
      );
      const created = await withContext(cmd, async (ctx) => {
        const record = await environments.createEnvironment(ctx, CLI_ACTOR, slug, opts.name);
        return environments.environmentDto(record, 0);
      });
      output(cmd, created, (e) => `Created environment ${e.slug} (${e.name}).`);
    });
  env
    .command('list')
    .description('list environments')
    .action(async (_opts: unknown, cmd: Command) => {
      const list = await withContext(cmd, (ctx) => environments.listEnvironments(ctx));
      output(cmd, list, (l) => table(l, ['slug', 'name', 'integration_count', 'token_lifetime', 'refresh_before']));
    });
  env
    .command('set <slug>')
    .description('change token settings; refresh-before >= lifetime switches reuse off')
    .option('--name <name>', 'display name')
    .option('--token-lifetime <seconds>', 'access-token lifetime in seconds', seconds('--token-lifetime'))
    .option(
      '--refresh-before <seconds>',
      'stop reusing a token this many seconds before it expires',
      seconds('--refresh-before'),
    )
    .option(
      '--customer-token-max-lifetime <seconds>',
      'longest accepted customer-token lifetime',
      seconds('--customer-token-max-lifetime'),
    )
    .action(
      async (
        slug: string,
        opts: { name?: string; tokenLifetime?: number; refreshBefore?: number; customerTokenMaxLifetime?: number },
        cmd: Command,
      ) => {
        const body = checked(
          EnvironmentUpdate,
          {
            ...(opts.name !== undefined && { name: opts.name }),
            ...(opts.tokenLifetime !== undefined && { token_lifetime: opts.tokenLifetime }),
            ...(opts.refreshBefore !== undefined && { refresh_before: opts.refreshBefore }),
            ...(opts.customerTokenMaxLifetime !== undefined && {
              customer_token_max_lifetime: opts.customerTokenMaxLifetime,
            }),
          },
          {
            name: '--name',
            token_lifetime: '--token-lifetime',
            refresh_before: '--refresh-before',
            customer_token_max_lifetime: '--customer-token-max-lifetime',
          },
        );
        const updated = await withContext(cmd, async (ctx) => {
          const record = await environments.updateEnvironment(ctx, CLI_ACTOR, slug, body);
          return environments.environmentDto(record, await environments.countIntegrations(ctx, record.id));
        });
        output(
          cmd,
          updated,
          (e) =>
            `Environment ${e.slug}: token lifetime ${e.token_lifetime} s, refresh before ${e.refresh_before} s${e.refresh_before >= e.token_lifetime ? ' (reuse off)' : ''}.`,
        );
      },
    );
  registerCredentials(env);
  registerRemovePublicKey(env);
  registerDelete(env);
}
