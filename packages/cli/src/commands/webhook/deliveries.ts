/**
 * `gatehouse webhook deliveries|redeliver|test` (issue #28): an endpoint's delivery log, sending a
 * message again (same `webhook-id` and body), and a test event for one endpoint. A running server
 * sends what these queue.
 */
import type { Command } from 'commander';
import { CLI_ACTOR, webhookDeliveries } from '@gatehouse/server';
import type { WebhookDelivery } from '@gatehouse/contracts';
import { output, table } from '../../io.js';
import { scopeOptions, slugOf, withWebhookContext, type ScopeOpts } from './scope.js';

const line = (verb: string) => (d: WebhookDelivery) =>
  `${verb} ${d.id} (${d.type}): ${d.status}, due ${d.next_attempt_at}.`;

export function registerDeliveries(webhook: Command): void {
  scopeOptions(webhook.command('deliveries <id>'))
    .description("an endpoint's delivery log, newest first")
    .option('--limit <n>', 'how many, 1 to 100', '20')
    .action(async (id: string, opts: ScopeOpts & { limit: string }, cmd: Command) => {
      const slug = slugOf(opts);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Error('--limit must be 1 to 100');
      const page = await withWebhookContext(cmd, (ctx) =>
        webhookDeliveries.listWebhookDeliveries(ctx, slug, id, limit),
      );
      output(cmd, page.items, (items) =>
        table(
          items.map((d) => ({ ...d, last: d.last_status_code ?? d.last_error ?? '' })),
          ['id', 'type', 'status', 'attempts', 'last', 'created_at'],
        ),
      );
    });
  scopeOptions(webhook.command('redeliver <id> <delivery_id>'))
    .description('send a delivery again, now, with the same webhook-id and body')
    .action(async (id: string, deliveryId: string, opts: ScopeOpts, cmd: Command) => {
      const slug = slugOf(opts);
      const delivery = await withWebhookContext(cmd, (ctx) =>
        webhookDeliveries.redeliverWebhook(ctx, CLI_ACTOR, slug, id, deliveryId),
      );
      output(cmd, delivery, line('Queued again'));
    });
  scopeOptions(webhook.command('test <id>'))
    .description('queue a webhook.test event for this endpoint only')
    .action(async (id: string, opts: ScopeOpts, cmd: Command) => {
      const slug = slugOf(opts);
      const delivery = await withWebhookContext(cmd, (ctx) =>
        webhookDeliveries.sendWebhookTest(ctx, CLI_ACTOR, slug, id),
      );
      output(cmd, delivery, line('Queued test event'));
    });
}
