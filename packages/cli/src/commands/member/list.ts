/** `gatehouse member list --env SLUG`: the members of an environment and their roles. */
import type { Command } from 'commander';
import { members } from '@gatehouse/server';
import { output, table, withContext } from '../../io.js';

/** Registers `member list` (`[{account_id, email, role, created_at}]` with `--json`). */
export function registerMemberList(member: Command): void {
  member
    .command('list')
    .description('list the members of an environment')
    .requiredOption('--env <slug>', 'environment')
    .action(async (opts: { env: string }, cmd: Command) => {
      const list = await withContext(cmd, (ctx) => members.listEnvironmentMembers(ctx, opts.env));
      output(cmd, list, (l) =>
        table(l as unknown as Record<string, unknown>[], ['email', 'role', 'account_id', 'created_at']),
      );
    });
}
