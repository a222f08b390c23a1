/**
 * `gatehouse webhook add|list|remove|rotate-secret` (issue #28): where an environment's audit
 * events (or, with `--server`, every event) are POSTed. The signing secret is printed once, by
 * `add` and `rotate-secret`.
 */
import type { Command } from 'commander';
import { CLI_ACTOR, webhooks } from '@gatehouse/server';
import type { WebhookEndpoint, WebhookEndpointWithSecret } from '@gatehouse/contracts';
import { confirm, output, table } from '../../io.js';
import { scopeOptions, slugOf, withWebhookContext, type ScopeOpts } from './scope.js';

/** The patterns of `--events 'integration.*,member.*'`. */
function patterns(value: string): string[] {
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

const shown = (e: WebhookEndpoint) => ({ ...e, events: e.events.join(','), state: stateOf(e) });
const stateOf = (e: WebhookEndpoint) =>
  e.enabled ? 'enabled' : e.disabled_reason === 'failing' ? 'failing' : 'disabled';

/** What a person reads after `add` or `rotate-secret`: the secret, said to be shown once. */
const withSecret = (verb: string) => (e: WebhookEndpointWithSecret) =>
  `${verb} ${e.id} (${e.url}).\nSigning secret (shown once, keep it now): ${e.secret}`;

export function registerEndpoints(webhook: Command): void {
  scopeOptions(webhook.command('add'))
    .description('add an endpoint that receives audit events (signed per Standard Webhooks)')
    .requiredOption('--url <url>', 'https URL (http or a private address only for GATEHOUSE_WEBHOOK_ALLOWED_HOSTS)')
    .option('--events <patterns>', "comma-separated: *, actions or families, e.g. 'integration.*,member.*'", '*')
    .option('--disabled', 'add it disabled')
    .action(async (opts: ScopeOpts & { url: string; events: string; disabled?: boolean }, cmd: Command) => {
      const slug = slugOf(opts);
      const created = await withWebhookContext(cmd, (ctx) =>
        webhooks.createWebhookEndpoint(ctx, CLI_ACTOR, slug, {
          url: opts.url,
          events: patterns(opts.events),
          enabled: !opts.disabled,
        }),
      );
      // The id and the secret first: what a script takes from the output.
      const { id, secret, ...endpoint } = created;
      output(cmd, { id, secret, ...endpoint }, withSecret('Added webhook endpoint'));
    });
  scopeOptions(webhook.command('list'))
    .description('list the endpoints (never their secrets)')
    .action(async (opts: ScopeOpts, cmd: Command) => {
      const slug = slugOf(opts);
      const items = await withWebhookContext(cmd, (ctx) => webhooks.listWebhookEndpoints(ctx, slug));
      output(cmd, items, (list) => table(list.map(shown), ['id', 'url', 'events', 'state', 'created_at']));
    });
  scopeOptions(webhook.command('remove <id>'))
    .description('remove an endpoint and its delivery log')
    .action(async (id: string, opts: ScopeOpts, cmd: Command) => {
      const slug = slugOf(opts);
      if (!(await confirm(cmd, `Remove webhook endpoint ${id}?`))) return;
      await withWebhookContext(cmd, (ctx) => webhooks.removeWebhookEndpoint(ctx, CLI_ACTOR, slug, id));
      output(cmd, { id, removed: true }, () => `Removed webhook endpoint ${id}.`);
    });
  scopeOptions(webhook.command('rotate-secret <id>'))
    .description('give an endpoint a new signing secret; the previous one also signs for the grace period')
    .option('--grace-seconds <n>', 'how long the previous secret also signs, 0 to 604800', '86400')
    .action(async (id: string, opts: ScopeOpts & { graceSeconds: string }, cmd: Command) => {
      const slug = slugOf(opts);
      if (!/^\d{1,6}$/.test(opts.graceSeconds)) throw new Error('--grace-seconds must be 0 to 604800');
      const grace = Number(opts.graceSeconds);
      const rotated = await withWebhookContext(cmd, (ctx) =>
        webhooks.rotateWebhookSecret(ctx, CLI_ACTOR, slug, id, grace),
      );
      const { id: rotatedId, secret, ...endpoint } = rotated;
      output(cmd, { id: rotatedId, secret, ...endpoint }, withSecret('Rotated the signing secret of'));
    });
}
