/** `gatehouse integration set CLIENT_ID`: name, description, scopes, token quota and token exchange. */
import type { Command } from 'commander';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import { IntegrationUpdate } from '@gatehouse/contracts';
import { output, withContext } from '../../io.js';
import { checked } from '../../validate.js';

/** The option each field of the body comes from, to name it when the API's schema refuses it. */
const FLAGS = {
  name: '--name',
  description: '--description',
  scopes: '--scopes',
  token_quota_per_hour: '--token-quota',
  secret_expires_at: '--secret-expires-at',
  token_exchange: '--exchange-audience',
};

export function registerUpdate(integration: Command): void {
  integration
    .command('set <client_id>')
    .description('change name, description, Environment API scopes or the hourly token quota')
    .option('--name <name>', 'name')
    .option('--description <text>', 'description')
    .option('--scopes <scopes>', 'space-separated Environment API scopes (replaces the grant; ends token reuse)')
    .option('--token-quota <n>', 'tokens it may mint per hour, or "none"')
    .option('--secret-expires-at <time>', 'ISO 8601 time after which the secret stops working, or "none"')
    .option('--token-exchange <on|off>', 'allow the token-exchange grant (RFC 8693)')
    .option(
      '--exchange-audience <audience...>',
      'with --token-exchange: the audiences it may exchange for ("any": every audience it holds grants on)',
    )
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
          tokenExchange?: string;
          exchangeAudience?: string[];
        },
        cmd: Command,
      ) => {
        let quota: number | null | undefined;
        if (opts.tokenQuota !== undefined) {
          quota = opts.tokenQuota === 'none' ? null : Number(opts.tokenQuota);
          if (quota !== null && (!Number.isInteger(quota) || quota < 1))
            throw new Error('--token-quota must be a positive whole number or "none"');
        }
        const exchange = tokenExchangeOption(opts.tokenExchange, opts.exchangeAudience);
        const body = checked(
          IntegrationUpdate,
          {
            ...(opts.name !== undefined && { name: opts.name }),
            ...(opts.description !== undefined && { description: opts.description }),
            ...(opts.scopes !== undefined && { scopes: opts.scopes.split(/\s+/).filter(Boolean) }),
            ...(quota !== undefined && { token_quota_per_hour: quota }),
            ...(opts.secretExpiresAt !== undefined && {
              secret_expires_at: opts.secretExpiresAt === 'none' ? null : opts.secretExpiresAt,
            }),
            ...(opts.keepTokens && { keep_tokens: true }),
            ...(exchange && { token_exchange: exchange }),
          },
          FLAGS,
        );
        const dto = await withContext(cmd, (ctx) => integrations.updateIntegration(ctx, CLI_ACTOR, clientId, body));
        output(
          cmd,
          dto,
          (i) =>
            `${i.client_id}: ${i.name}; scopes ${i.scopes.join(' ')}; token quota ${i.token_quota_per_hour ?? 'none'}/h; secret expires ${i.secret_expires_at ?? 'never'}; token exchange ${i.token_exchange.enabled ? `on (${i.token_exchange.audiences?.join(' ') ?? 'any audience'})` : 'off'}.`,
        );
      },
    );
}

/**
 * The `token_exchange` change of `--token-exchange on|off [--exchange-audience A …]`; undefined
 * when neither is given.
 * @throws Error for a value other than on/off, or audiences without `--token-exchange`.
 */
function tokenExchangeOption(
  value: string | undefined,
  audiences: string[] | undefined,
): { enabled: boolean; audiences?: string[] | null } | undefined {
  if (value === undefined) {
    if (audiences !== undefined) throw new Error('--exchange-audience needs --token-exchange on');
    return undefined;
  }
  if (value !== 'on' && value !== 'off') throw new Error('--token-exchange must be "on" or "off"');
  if (audiences === undefined) return { enabled: value === 'on' };
  return { enabled: value === 'on', audiences: audiences.length === 1 && audiences[0] === 'any' ? null : audiences };
}
