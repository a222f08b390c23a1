/**
 * Audit streaming by webhooks (issue #28, docs/security.md N-120…N-124).
 *
 * - `webhook_endpoints`: where an environment's events go (`environment_id`), or every event of
 *   the server (`environment_id` null, operators'); `events` is a JSON array of action filters
 *   (`integration.update`, `integration.*`, `*`); the signing secret is sealed with the master key,
 *   the previous one kept until `previous_expires_at` (seconds) after a rotation. `failing_since_ms`
 *   is the time of the first failure of the current run of failures (null when the last attempt
 *   succeeded); `disabled_reason` says why the endpoint stopped (`failing`), null when an operator did.
 * - `webhook_deliveries`: the outbox. One row per (audit event, matching endpoint), written in the
 *   transaction of the audit event; `id` is the Standard Webhooks `webhook-id` and `body` the exact
 *   bytes sent on every attempt. Sent in (`event_at_ms`, `id`) order per endpoint; a node takes one
 *   by setting `lease_owner`/`lease_until_ms`.
 * - `webhook_attempts`: the delivery log, one row per attempt (status, latency, error).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.references('environments.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('previous_secret_enc', 'text')
    .addColumn('previous_expires_at', 'bigint')
    .addColumn('failing_since_ms', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_environment')
    .on('webhook_endpoints')
    .column('environment_id')
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event_id', 'text')
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('event_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until_ms', 'bigint')
    .addColumn('last_attempt_at_ms', 'bigint')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_latency_ms', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at_ms', 'bigint')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  // The head of each endpoint's queue, and its log newest first.
  await db.schema
    .createIndex('webhook_deliveries_endpoint_order')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'status', 'event_at_ms', 'id'])
    .execute();
  // What is due on any endpoint.
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at_ms'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempted_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_attempts_delivery')
    .on('webhook_attempts')
    .columns(['delivery_id', 'attempted_at_ms'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
