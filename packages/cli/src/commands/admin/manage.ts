/**
 * `gatehouse admin list|delete|set-password`: operator accounts on the store directly. `delete`
 * refuses the last operator (the CLI may delete any other, including one that is signed in: its
 * sessions end); `set-password` reads the new password from standard input and ends every
 * session of the account.
 */
import type { Command } from 'commander';
import { CLI_ACTOR, operators } from '@gatehouse/server';
import { confirm, ioOf, output, table, withContext } from '../../io.js';
import { readPassword } from './create.js';

/** Registers `admin list`, `admin delete` and `admin set-password`. */
export function registerAdminManage(admin: Command): void {
  admin
    .command('list')
    .description('list operators (console administrators)')
    .action(async (_opts: unknown, cmd: Command) => {
      const items = await withContext(cmd, (ctx) => operators.listOperatorViews(ctx));
      output(cmd, items, (rows) =>
        table(
          rows.map((r) => ({ ...r, totp: r.totp ? 'on' : 'off' })),
          ['email', 'id', 'totp', 'created_at'],
        ),
      );
    });

  admin
    .command('delete')
    .description('delete an operator by email or id (never the last one); its sessions end')
    .argument('<email-or-id>', 'the operator to delete')
    .action(async (who: string, _opts: unknown, cmd: Command) => {
      if (!(await confirm(cmd, `Delete operator ${who}?`))) return;
      await withContext(cmd, (ctx) => operators.removeOperator(ctx, CLI_ACTOR, who));
      output(cmd, { deleted: who }, () => `Deleted operator ${who}.`);
    });

  admin
    .command('set-password')
    .description("set an operator's password (read from standard input); its sessions end")
    .argument('<email-or-id>', 'the operator')
    .option('--password-stdin', 'read the password from standard input (required: never pass it as an argument)')
    .action(async (who: string, opts: { passwordStdin?: boolean }, cmd: Command) => {
      if (!opts.passwordStdin)
        throw new Error(
          'give --password-stdin and pipe the password in, e.g. `printf %s "$PW" | gatehouse admin set-password a@b.c --password-stdin`',
        );
      const io = ioOf(cmd);
      if (io.stdin.isTTY) io.stderr.write('New password (then Enter and Ctrl-D): ');
      const password = await readPassword(io.stdin);
      await withContext(cmd, (ctx) => operators.setOperatorPassword(ctx, CLI_ACTOR, who, password));
      output(cmd, { updated: who }, () => `Password of ${who} changed; its sessions ended.`);
    });
}
