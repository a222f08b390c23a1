/** `gatehouse member remove --env SLUG --email E`: remove a member from an environment. */
import type { Command } from 'commander';
import { CLI_ACTOR, members } from '@gatehouse/server';
import { confirm, output, withContext } from '../../io.js';

/**
 * Registers `member remove` (the account stays; it loses this environment).
 * @throws (from the action) NotFound for an unknown environment or member; ApiError 409 for the last owner.
 */
export function registerMemberRemove(member: Command): void {
  member
    .command('remove')
    .description('remove a member from an environment (never the last owner)')
    .requiredOption('--env <slug>', 'environment')
    .requiredOption('--email <email>', 'the member')
    .action(async (opts: { env: string; email: string }, cmd: Command) => {
      if (!(await confirm(cmd, `Remove ${opts.email} from ${opts.env}?`))) return;
      const removed = await withContext(cmd, async (ctx) => {
        const m = await members.memberByEmail(ctx, opts.env, opts.email);
        await members.removeMember(ctx, CLI_ACTOR, opts.env, m.account_id);
        return { removed: m.email, environment: opts.env };
      });
      output(cmd, removed, (r) => `Removed ${r.removed} from ${r.environment}.`);
    });
}
