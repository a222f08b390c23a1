/** `gatehouse admin create --email E --password-stdin`: a console administrator; only a hash of the password is stored. */
import type { Command } from 'commander';
import { admins, CLI_ACTOR } from '@gatehouse/server';
import { ioOf, output, withContext } from '../../io.js';

/**
 * Reads the password from standard input: everything up to EOF, less one trailing line break.
 * @throws Error when standard input is empty.
 */
export async function readPassword(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!password) throw new Error('no password on standard input');
  return password;
}

/**
 * Registers `admin create`. The password is never an argument (it would land in shell history and
 * `ps`): only `--password-stdin`. Prints `{id, email, created_at}` with `--json`.
 * @throws (from the action) InvalidInput (400) for a bad email, a password under 12 characters or one that is easy to guess (zxcvbn-ts), Conflict (409) when the email exists.
 */
export function registerAdminCreate(admin: Command): void {
  admin
    .command('create')
    .description('create an operator, a server-wide console administrator (the password is read from standard input)')
    .requiredOption('--email <email>', 'email to sign in with')
    .option('--password-stdin', 'read the password from standard input (required: never pass it as an argument)')
    .action(async (opts: { email: string; passwordStdin?: boolean }, cmd: Command) => {
      if (!opts.passwordStdin)
        throw new Error(
          'give --password-stdin and pipe the password in, e.g. `printf %s "$PW" | gatehouse admin create --email a@b.c --password-stdin`',
        );
      const io = ioOf(cmd);
      if (io.stdin.isTTY) io.stderr.write('Password (then Enter and Ctrl-D): ');
      const password = await readPassword(io.stdin);
      const created = await withContext(cmd, (ctx) => admins.createAdmin(ctx, CLI_ACTOR, opts.email, password));
      output(cmd, created, (a) => `Created operator ${a.email}. Sign in at /console/.`);
    });
}
