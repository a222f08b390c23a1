/**
 * Writes below the server's API, for tests that need a state no route, command or service can
 * reach: a store as an older version left it, a row an operator's hand changed, a customer seeded
 * for a screen. Each is named after the state it makes (issue #24 item 4: no table name in a
 * test); keep the list short, and prefer reaching a state through the API when one can.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { recordChange } from '../../server/src/store/repositories/change-log.js';
import type { StoreHolder } from './stored.js';

const contextOf = (from: StoreHolder) => ('server' in from ? from.server.runtime.ctx : from);

/** State-making writes on `from`'s store (see the module's comment). */
export function tamper(from: StoreHolder) {
  const { db, store } = contextOf(from);
  return {
    /** Forgets every environment's secret, as a store from before secrets were created eagerly. */
    async removeEnvironmentSecrets(): Promise<void> {
      await db.deleteFrom('environment_credentials').where('kind', '=', 'secret').execute();
    },

    /** Forgets the store's metadata (master-key check, version), as a store from before it existed. */
    async removeStoreMeta(): Promise<void> {
      await db.deleteFrom('store_meta').execute();
    },

    /**
     * Gives the integration whose client_id is `clientId` another `client_id` and secret hash (an
     * identifier the API never mints, e.g. with characters form-encoding must escape).
     */
    async setClientCredentials(clientId: string, to: { clientId: string; secretHash: string }): Promise<void> {
      await db
        .updateTable('integrations')
        .set({ client_id: to.clientId, secret_hash: to.secretHash })
        .where('client_id', '=', clientId)
        .execute();
    },

    /**
     * Disables the integration whose client_id is `clientId` as an operator's hand on the store
     * would: its tokens, and the tokens exchanged from them, are left unrevoked (the API revokes
     * them); running servers learn of the change from the change log, as of any write (seconds).
     */
    async disableIntegrationKeepingTokens(clientId: string, nowSeconds: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const { id } = await trx
          .updateTable('integrations')
          .set({ enabled: 0 })
          .where('client_id', '=', clientId)
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordChange(trx, store.dialect, 'integration', id, nowSeconds);
      });
    },

    /** Stores a customer as its tokens would have (seconds since the epoch), without the API's audit event. */
    async insertCustomer(row: {
      environmentId: string;
      id: string;
      name: string | null;
      fields: Record<string, unknown>;
      createdAt: number;
      lastSeenAt: number;
    }): Promise<void> {
      await db
        .insertInto('customers')
        .values({
          environment_id: row.environmentId,
          id: row.id,
          name: row.name,
          fields: JSON.stringify(row.fields),
          created_at: row.createdAt,
          last_seen_at: row.lastSeenAt,
        })
        .execute();
    },

    /**
     * Sets the stored details of the audit events with `target` to `raw` as is (not JSON of an
     * object, as the server writes them): a row an older version or an operator's hand left.
     */
    async setAuditDetails(target: string, raw: string): Promise<void> {
      await db.updateTable('audit_events').set({ details: raw }).where('target', '=', target).execute();
    },

    /**
     * Records one attempt of the webhook delivery `id` as the delivery engine would, without
     * sending: its attempt row, and the delivery's status and `last_*` answer (milliseconds);
     * a pending one is due again 5 s later. For screens that show each state of a delivery log.
     */
    async recordWebhookAttempt(
      id: string,
      a: {
        status: 'pending' | 'delivered' | 'failed';
        statusCode: number | null;
        latencyMs: number;
        error: string | null;
        atMs: number;
      },
    ): Promise<void> {
      await db
        .insertInto('webhook_attempts')
        .values({
          id: `wha_${randomUUID()}`,
          delivery_id: id,
          attempted_at_ms: a.atMs,
          status_code: a.statusCode,
          latency_ms: a.latencyMs,
          error: a.error,
        })
        .execute();
      await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: a.status,
          attempts: eb('attempts', '+', 1),
          next_attempt_at_ms: a.atMs + 5000,
          last_attempt_at_ms: a.atMs,
          last_status_code: a.statusCode,
          last_latency_ms: a.latencyMs,
          last_error: a.error,
          delivered_at_ms: a.status === 'delivered' ? a.atMs : null,
        }))
        .where('id', '=', id)
        .execute();
    },

    /**
     * Leaves the webhook endpoint `id` as the delivery engine does after 24 h of failed attempts:
     * disabled, `disabled_reason` `failing`, failing since `sinceMs` (milliseconds).
     */
    async disableWebhookForFailures(id: string, sinceMs: number): Promise<void> {
      await db
        .updateTable('webhook_endpoints')
        .set({ enabled: 0, disabled_reason: 'failing', failing_since_ms: sinceMs })
        .where('id', '=', id)
        .execute();
    },
  };
}
