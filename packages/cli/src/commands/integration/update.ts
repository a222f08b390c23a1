/** `gatehouse integration set CLIENT_ID`: name, description, scopes and token quota. */
import type { Command } from 'commander';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import { output, withContext } from '../../io.js';

export function registerUpdate(integration: Command): void {
  integration
    .command('set <client_id>')
    .description('change name, description, Environment API scopes or the hourly token quota')
    .option('--name <name>', 'name')
    .option('--description <text>', 'description')
    .option('--scopes <scopes>', 'space-separated Environment API scopes (replaces the grant; ends token reuse)')
    .option('--token-quota <n>', 'tokens it may mint per hour, or "none"')
    .option('--secret-expires-at <time>', 'ISO 8601 time after which the secret stops working, or "none"')
    .option(
      '--keep-tokens',
      "with a grant reduction, keep the integration's unexpired tokens for tenant APIs (revoked by default)",
    )
    .action(
      async (
        clientId: string,
        opts: {
          name?: string;
          description?: string;
          scopes?: string;
          tokenQuota?: string;
          secretExpiresAt?: string;
          keepTokens?: boolean;
        },
        cmd: Command,
      ) => {
        let quota: number | null | undefined;
        if (opts.tokenQuota !== undefined) {
          quota = opts.tokenQuota === 'none' ? null : Number(opts.tokenQuota);
          if (quota !== null && (!Number.isInteger(quota) || quota < 1))
            throw new Error('--token-quota must be a positive whole number or "none"');
        }
        const dto = await withContext(cmd, (ctx) =>
          integrations.updateIntegration(ctx, CLI_ACTOR, clientId, {
            ...(opts.name !== undefined && { name: opts.name }),
            ...(opts.description !== undefined && { description: opts.description }),
            ...(opts.scopes !== undefined && { scopes: opts.scopes.split(/\s+/).filter(Boolean) }),
            ...(quota !== undefined && { token_quota_per_hour: quota }),
            ...(opts.secretExpiresAt !== undefined && {
              secret_expires_at: opts.secretExpiresAt === 'none' ? null : opts.secretExpiresAt,
            }),
            ...(opts.keepTokens && { keep_tokens: true }),
          }),
        );
        output(
          cmd,
          dto,
          (i) =>
            `${i.client_id}: ${i.name}; scopes ${i.scopes.join(' ')}; token quota ${i.token_quota_per_hour ?? 'none'}/h; secret expires ${i.secret_expires_at ?? 'never'}.`,
        );
      },
    );
}
