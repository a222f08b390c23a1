/** `gatehouse member revoke-invitation ID --env SLUG`: take back a pending invitation. */
import type { Command } from 'commander';
import { CLI_ACTOR, invitations } from '@gatehouse/server';
import { confirm, output, withContext } from '../../io.js';

/**
 * Registers `member revoke-invitation` (`{revoked, email, role, environment}` with `--json`): its
 * link is refused from then on.
 * @throws (from the action) NotFound for an unknown environment, or an id that is not a pending
 *   invitation of it (unknown, used, expired or already revoked).
 */
export function registerMemberRevokeInvitation(member: Command): void {
  member
    .command('revoke-invitation')
    .description('revoke a pending invitation (ID from `member invitations`); its link stops working')
    .argument('<id>', 'the invitation (inv_…)')
    .requiredOption('--env <slug>', 'environment')
    .action(async (id: string, opts: { env: string }, cmd: Command) => {
      if (!(await confirm(cmd, `Revoke the invitation ${id} to ${opts.env}?`))) return;
      const revoked = await withContext(cmd, async (ctx) => {
        const inv = await invitations.revokeInvitation(ctx, CLI_ACTOR, opts.env, id);
        return { revoked: inv.id, email: inv.email, role: inv.role, environment: opts.env };
      });
      output(cmd, revoked, (r) => `Revoked the invitation of ${r.email} (${r.role} of ${r.environment}).`);
    });
}
