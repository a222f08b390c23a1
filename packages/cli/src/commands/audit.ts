/** `gatehouse audit --env SLUG` (or `--server`): who changed what, when. */
import type { Command } from 'commander';
import { environments, listAudit } from '@gatehouse/server';
import { output, table, withContext } from '../io.js';

export function auditCommand(root: Command): void {
  root
    .command('audit')
    .description('show the audit log of an environment (or the server-wide one), newest first')
    .option('--env <slug>', 'environment')
    .option('--server', 'server-wide events: signing keys, console administrators and sign-ins, throttled IPs')
    .option('--limit <n>', 'how many events', '50')
    .action(async (opts: { env?: string; server?: boolean; limit: string }, cmd: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error('--limit must be 1 to 10000');
      if ((opts.env === undefined) === !opts.server) throw new Error('give either --env <slug> or --server');
      const { items: events } = await withContext(cmd, async (ctx) => listAudit(ctx.db, opts.env === undefined ? null : (await environments.requireEnvironment(ctx, opts.env)).id, limit));
      output(cmd, events, (l) => table(l, ['created_at', 'actor', 'action', 'target', 'ip', 'result']));
    });
}
