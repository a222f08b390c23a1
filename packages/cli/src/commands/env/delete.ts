/**
 * `gatehouse env delete SLUG --confirm SLUG` (or `--yes`): deletes an environment with everything
 * in it; its tokens are revoked. Never the last environment. On a terminal without either flag,
 * the slug is asked for; elsewhere one of them is required.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { CLI_ACTOR, deleteEnvironment } from '@gatehouse/server';
import { globals, ioOf, output, withContext, type CliIo } from '../../io.js';

async function typedSlug(io: CliIo, slug: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    return (
      await rl.question(
        `This deletes ${slug} with its integrations, APIs, customers and keys. Type the slug to confirm: `,
      )
    ).trim();
  } finally {
    rl.close();
  }
}

export function registerDelete(env: Command): void {
  env
    .command('delete <slug>')
    .description('delete an environment and everything in it (never the last one); its tokens are revoked')
    .option('--confirm <slug>', 'the slug again, to confirm')
    .action(async (slug: string, opts: { confirm?: string }, cmd: Command) => {
      let confirm = opts.confirm ?? (globals(cmd).yes ? slug : undefined);
      if (confirm === undefined) {
        const io = ioOf(cmd);
        if (!io.stdin.isTTY) throw new Error(`deleting an environment needs --confirm ${slug} (or --yes)`);
        confirm = await typedSlug(io, slug);
      }
      if (confirm !== slug) throw new Error(`--confirm must repeat the slug ${slug}; nothing was deleted`);
      const deleted = await withContext(cmd, (ctx) => deleteEnvironment(ctx, CLI_ACTOR, slug, confirm));
      output(
        cmd,
        deleted,
        (d) =>
          `Deleted environment ${d.slug} with ${d.integrations} integration(s); ${d.revoked_tokens} token(s) revoked.`,
      );
    });
}
