/** `gatehouse member set-role --env SLUG --email E --role R`: change a member's role. */
import type { Command } from 'commander';
import { CLI_ACTOR, members } from '@gatehouse/server';
import { output, withContext } from '../../io.js';
import { parseRole } from './roles.js';

/**
 * Registers `member set-role`.
 * @throws (from the action) NotFound for an unknown environment or member; ApiError 409 when it
 *   would leave the environment without an owner.
 */
export function registerMemberSetRole(member: Command): void {
  member
    .command('set-role')
    .description("change a member's role (an environment keeps at least one owner)")
    .requiredOption('--env <slug>', 'environment')
    .requiredOption('--email <email>', 'the member')
    .requiredOption('--role <role>', 'owner, admin, developer or viewer')
    .action(async (opts: { env: string; email: string; role: string }, cmd: Command) => {
      const role = parseRole(opts.role);
      const changed = await withContext(cmd, async (ctx) => {
        const m = await members.memberByEmail(ctx, opts.env, opts.email);
        return members.setMemberRole(ctx, CLI_ACTOR, opts.env, m.account_id, role);
      });
      output(cmd, changed, (m) => `${m.email} is now ${m.role} of ${opts.env}.`);
    });
}
