/**
 * `gatehouse audit --env SLUG` (or `--server`): who changed what, when, newest first; filtered by
 * `--action` (exact, or a family like `integration.*`), `--actor`, `--target`, `--since` and
 * `--until` (ISO 8601), the same filters as the API's query parameters. Updates show what changed.
 */
import type { Command } from 'commander';
import { environments, listAudit } from '@gatehouse/server';
import { output, table, withContext } from '../io.js';

interface AuditOpts {
  env?: string;
  server?: boolean;
  limit: string;
  action?: string;
  actor?: string;
  target?: string;
  since?: string;
  until?: string;
}

/** `name: before → after` for each changed field, on one line. */
function changesText(changes: Record<string, { before: unknown; after: unknown }> | null): string {
  if (!changes) return '';
  return Object.entries(changes)
    .map(([field, c]) => `${field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`)
    .join('; ');
}

export function auditCommand(root: Command): void {
  root
    .command('audit')
    .description('show the audit log of an environment (or the server-wide one), newest first, optionally filtered')
    .option('--env <slug>', 'environment')
    .option('--server', 'server-wide events: signing keys, console administrators and sign-ins, throttled IPs')
    .option('--limit <n>', 'how many events', '50')
    .option('--action <action>', 'only this action (integration.update) or family (integration.*)')
    .option('--actor <actor>', 'only this actor: cli, admin:<email>, integration:<client_id>, customer:<id>')
    .option('--target <target>', 'only this target: a client_id, an environment slug, an audience…')
    .option('--since <iso>', 'only events at or after this ISO 8601 time (2026-01-31 or 2026-01-31T09:00:00Z)')
    .option('--until <iso>', 'only events before this ISO 8601 time')
    .action(async (opts: AuditOpts, cmd: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error('--limit must be 1 to 10000');
      if ((opts.env === undefined) === !opts.server) throw new Error('give either --env <slug> or --server');
      const filter = {
        action: opts.action,
        actor: opts.actor,
        target: opts.target,
        since: opts.since,
        until: opts.until,
      };
      for (const [name, value] of Object.entries(filter))
        if (value !== undefined && (value.length === 0 || value.length > 320))
          throw new Error(`--${name} must be 1 to 320 characters`);
      const { items: events } = await withContext(cmd, async (ctx) =>
        listAudit(
          ctx.db,
          opts.env === undefined ? null : (await environments.requireEnvironment(ctx, opts.env)).id,
          limit,
          undefined,
          filter,
        ),
      );
      output(cmd, events, (l) =>
        table(
          l.map((e) => ({ ...e, changes: changesText(e.changes) })),
          ['created_at', 'actor', 'action', 'target', 'ip', 'result', 'changes'],
        ),
      );
    });
}
