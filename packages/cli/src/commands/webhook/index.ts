/** `gatehouse webhook …`: webhook endpoints that receive audit events, and their delivery log (issue #28). */
import type { Command } from 'commander';
import { registerEndpoints } from './endpoints.js';
import { registerDeliveries } from './deliveries.js';

export function webhookCommand(root: Command): void {
  const webhook = root
    .command('webhook')
    .description('manage webhook endpoints that receive audit events (--env SLUG, or --server for every event)');
  registerEndpoints(webhook);
  registerDeliveries(webhook);
}
