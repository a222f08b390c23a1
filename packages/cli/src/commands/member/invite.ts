/** `gatehouse member invite --env SLUG --email E --role R`: a single-use invitation link, shown once. */
import type { Command } from 'commander';
import { CLI_ACTOR, invitations } from '@gatehouse/server';
import { output, withContext } from '../../io.js';
import { parseRole } from './roles.js';

/**
 * Registers `member invite`. Prints the link (`{id, link, environment, email, role, expires_at}` with
 * `--json`); it works once, until it expires (`GATEHOUSE_INVITATION_TTL`, default 7 days) or is
 * revoked (`member revoke-invitation ID`). A pending invitation of the same email is replaced.
 * @throws (from the action) NotFound for an unknown environment; ApiError 400 for a malformed email.
 */
export function registerMemberInvite(member: Command): void {
  member
    .command('invite')
    .description('invite an email into an environment with a role; prints a single-use link (shown once)')
    .requiredOption('--env <slug>', 'environment')
    .requiredOption('--email <email>', 'who is invited')
    .requiredOption('--role <role>', 'owner, admin, developer or viewer')
    .option(
      '--public-url <url>',
      "the server's public URL the link starts with (default: GATEHOUSE_ISSUER, else the URL the server recorded at start)",
    )
    .action(async (opts: { env: string; email: string; role: string; publicUrl?: string }, cmd: Command) => {
      const role = parseRole(opts.role);
      if (opts.publicUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(opts.publicUrl))
        throw new Error('--public-url must be an http(s) URL');
      const created = await withContext(cmd, (ctx) =>
        invitations.createInvitation(ctx, CLI_ACTOR, opts.env, opts.email, role, opts.publicUrl),
      );
      output(
        cmd,
        created,
        (c) =>
          `Invitation ${c.id} for ${c.email} (${c.role} of ${c.environment}), valid until ${c.expires_at}; it is not shown again:\n${c.link}`,
      );
    });
}
