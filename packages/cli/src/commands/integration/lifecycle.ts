/** `gatehouse integration rotate-secret|revoke-tokens|delete|enable|disable`. */
import type { Command } from 'commander';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import { confirm, output, withContext } from '../../io.js';

export function registerLifecycle(integration: Command): void {
  integration
    .command('rotate-secret <client_id>')
    .description('issue a new secret; the previous one keeps working for --grace seconds (default 0: it stops at once)')
    .option(
      '--grace <seconds>',
      'seconds the previous secret keeps working (default 0: stops at once; 3600 = 1 h, as the console suggests)',
      '0',
    )
    .action(async (clientId: string, opts: { grace: string }, cmd: Command) => {
      const grace = Number(opts.grace);
      if (!Number.isInteger(grace) || grace < 0) throw new Error('--grace must be a whole number of seconds');
      if (!(await confirm(cmd, `Rotate the secret of ${clientId}?`))) return;
      const rotated = await withContext(cmd, (ctx) => integrations.rotateSecret(ctx, CLI_ACTOR, clientId, grace));
      output(
        cmd,
        rotated,
        (r) => `New client_secret for ${r.client_id}: ${r.client_secret}\nStore it now: it is not shown again.`,
      );
    });
  integration
    .command('revoke-tokens <client_id>')
    .description('revoke every token the integration holds')
    .action(async (clientId: string, _opts: unknown, cmd: Command) => {
      if (!(await confirm(cmd, `Revoke every token of ${clientId}?`))) return;
      const revoked = await withContext(cmd, (ctx) => integrations.revokeIntegrationTokens(ctx, CLI_ACTOR, clientId));
      output(cmd, { client_id: clientId, revoked }, (r) => `Revoked ${r.revoked} token(s) of ${r.client_id}.`);
    });
  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    integration
      .command(`${verb} <client_id>`)
      .description(`${verb} the integration`)
      .action(async (clientId: string, _opts: unknown, cmd: Command) => {
        const dto = await withContext(cmd, (ctx) =>
          integrations.updateIntegration(ctx, CLI_ACTOR, clientId, { enabled }),
        );
        output(cmd, dto, (i) => `${i.client_id} is ${i.enabled ? 'enabled' : 'disabled'}.`);
      });
  }
  integration
    .command('delete <client_id>')
    .description('delete the integration and revoke its tokens')
    .action(async (clientId: string, _opts: unknown, cmd: Command) => {
      if (!(await confirm(cmd, `Delete integration ${clientId}?`))) return;
      await withContext(cmd, (ctx) => integrations.deleteIntegration(ctx, CLI_ACTOR, clientId));
      output(cmd, { client_id: clientId, deleted: true }, () => `Deleted ${clientId}.`);
    });
}
