/** `gatehouse member invitations --env SLUG`: the pending invitations of an environment. */
import type { Command } from 'commander';
import { invitations } from '@gatehouse/server';
import { output, table, withContext } from '../../io.js';

/**
 * Registers `member invitations`: those not used, expired or revoked, oldest first
 * (`[{id, email, role, invited_by, created_at, expires_at}]` with `--json`; never a link).
 * @throws (from the action) NotFound for an unknown environment.
 */
export function registerMemberInvitations(member: Command): void {
  member
    .command('invitations')
    .description('list the pending invitations of an environment (their links are never shown again)')
    .requiredOption('--env <slug>', 'environment')
    .action(async (opts: { env: string }, cmd: Command) => {
      const list = await withContext(cmd, (ctx) => invitations.listInvitations(ctx, opts.env));
      output(cmd, list, (l) =>
        l.length
          ? table(l as unknown as Record<string, unknown>[], ['id', 'email', 'role', 'expires_at', 'invited_by'])
          : `No pending invitations in ${opts.env}.`,
      );
    });
}
