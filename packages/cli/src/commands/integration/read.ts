/** `gatehouse integration list|show`. Secrets are never shown here. */
import type { Command } from 'commander';
import { integrations } from '@gatehouse/server';
import { output, table, withContext } from '../../io.js';

export function registerRead(integration: Command): void {
  integration
    .command('list')
    .description('list the integrations of an environment')
    .requiredOption('--env <slug>', 'environment')
    .action(async (opts: { env: string }, cmd: Command) => {
      const all = await withContext(cmd, async (ctx) => {
        const items = [];
        let cursor: string | undefined;
        do {
          const page = await integrations.listIntegrations(ctx, opts.env, { limit: 100, cursor });
          items.push(...page.items);
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        return items;
      });
      output(cmd, all, (l) =>
        table(
          l.map((i) => ({ ...i, scopes: i.scopes.join(' '), last_used_at: i.last_used_at ?? 'never' })),
          ['client_id', 'name', 'enabled', 'scopes', 'last_used_at', 'live_tokens'],
        ),
      );
    });
  integration
    .command('show <client_id>')
    .description('show one integration')
    .action(async (clientId: string, _opts: unknown, cmd: Command) => {
      const dto = await withContext(cmd, async (ctx) => {
        const { env, client } = await integrations.requireIntegration(ctx, clientId);
        return integrations.integrationDto(env, client, await integrations.usageOfOne(ctx, client));
      });
      output(cmd, dto, (i) =>
        [
          `${i.name} (${i.client_id}) in ${i.environment}, ${i.enabled ? 'enabled' : 'disabled'}`,
          i.description,
          ...i.grants.map((g) => `  ${g.audience}: ${g.scopes.join(' ')}`),
          `last used:       ${i.last_used_at ?? 'never'}`,
          `secret created:  ${i.secret_created_at ?? 'no secret (key-only)'}`,
          ...(i.previous_secret_expires_at ? [`previous secret: works until ${i.previous_secret_expires_at}`] : []),
          `live tokens:     ${i.live_tokens}`,
          ...i.warnings.map((w) => `WARNING: ${w}`),
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });
}
