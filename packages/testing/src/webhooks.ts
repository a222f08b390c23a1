/**
 * TEST-ONLY helpers of the webhook delivery engine (issue #28): an endpoint row inserted below the
 * management API (the engine's tests don't depend on it), its secret sealed as the API seals it,
 * and readers of the outbox and attempt log. Not for production code.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Context } from '../../server/src/context.js';
import type { Database } from '../../server/src/store/schema.js';
import { generateTimeOrderedId } from '../../server/src/store/time-ordered-id.js';

/** A stored delivery row. */
export type StoredDelivery = Selectable<Database['webhook_deliveries']>;
/** A stored attempt row. */
export type StoredAttempt = Selectable<Database['webhook_attempts']>;
/** A stored endpoint row. */
export type StoredEndpoint = Selectable<Database['webhook_endpoints']>;

/** What {@link insertEndpointForTest} takes; every field but `url` has a default. */
export interface TestEndpoint {
  url: string;
  /** Null (default): server-wide. */
  environmentId?: string | null;
  /** Default `['*']`. */
  events?: string[];
  /** Default true. */
  enabled?: boolean;
  /** Default a new `whsec_…`. */
  secret?: string;
  /** A previous secret still signing until `previousExpiresAt` (seconds). */
  previousSecret?: string;
  previousExpiresAt?: number;
  /** Milliseconds; default `ctx.clock.now()`. */
  nowMs?: number;
}

/** A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * TEST-ONLY: inserts a webhook endpoint row (secrets sealed with `ctx.sealer`, aad = its id).
 * @returns its id and secret.
 */
export async function insertEndpointForTest(
  ctx: Pick<Context, 'db' | 'sealer' | 'clock'>,
  endpoint: TestEndpoint,
): Promise<{ id: string; secret: string }> {
  const nowMs = endpoint.nowMs ?? ctx.clock.now();
  const id = `whk_${generateTimeOrderedId(nowMs)}`;
  const secret = endpoint.secret ?? newWebhookSecret();
  await ctx.db
    .insertInto('webhook_endpoints')
    .values({
      id,
      environment_id: endpoint.environmentId ?? null,
      url: endpoint.url,
      events: JSON.stringify(endpoint.events ?? ['*']),
      enabled: endpoint.enabled === false ? 0 : 1,
      disabled_reason: null,
      secret_enc: ctx.sealer.seal(secret, id),
      previous_secret_enc: endpoint.previousSecret ? ctx.sealer.seal(endpoint.previousSecret, id) : null,
      previous_expires_at: endpoint.previousExpiresAt ?? null,
      failing_since_ms: null,
      created_at: Math.floor(nowMs / 1000),
      updated_at: Math.floor(nowMs / 1000),
    })
    .execute();
  return { id, secret };
}

/** TEST-ONLY readers of the outbox of `ctx`'s store. */
export function webhookOutbox(ctx: Pick<Context, 'db'>) {
  const db = ctx.db;
  return {
    /** Deliveries of endpoint `endpointId` in delivery order (`event_at_ms`, `id`). */
    deliveries(endpointId: string): Promise<StoredDelivery[]> {
      return db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .orderBy('event_at_ms')
        .orderBy('id')
        .execute();
    },
    /** Attempts of delivery `deliveryId`, oldest first. */
    attempts(deliveryId: string): Promise<StoredAttempt[]> {
      return db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('attempted_at_ms')
        .orderBy('id')
        .execute();
    },
    /** The endpoint row `id`, if any. */
    endpoint(id: string): Promise<StoredEndpoint | undefined> {
      return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** TEST-ONLY: removes endpoint `id` (its deliveries and attempts go with it). */
    async remove(id: string): Promise<void> {
      await db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
    },
    /** TEST-ONLY: enables endpoint `id` again (clearing why it stopped), as an operator would. */
    async enable(id: string): Promise<void> {
      await db
        .updateTable('webhook_endpoints')
        .set({ enabled: 1, disabled_reason: null, failing_since_ms: null })
        .where('id', '=', id)
        .execute();
    },
  };
}
