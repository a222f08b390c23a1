/**
 * `webhook_endpoints` (migration 015, issue #28): where an environment's audit events go
 * (`environment_id`), or every event of the server (`environment_id` null). Every read here is
 * scoped: an endpoint is found only through its own environment (or as server-wide), so another
 * environment's id reads as absent (N-123).
 * @packageDocumentation
 */
import { sql, type Updateable } from 'kysely';
import type { WebhookEndpointTable } from '../schema.js';
import type { Dialect, Queryable } from './queryable.js';

/** An endpoint as services read it. `createdAt`, `updatedAt`, `previousExpiresAt` in seconds. */
export interface WebhookEndpointRecord {
  id: string;
  /** null: server-wide. */
  environmentId: string | null;
  url: string;
  events: string[];
  enabled: boolean;
  /** `failing` when the server disabled it; null otherwise. */
  disabledReason: string | null;
  /** The signing secret sealed with the master key (aad: the endpoint's id). */
  secretEnc: string;
  previousSecretEnc: string | null;
  previousExpiresAt: number | null;
  /** Milliseconds; null after a success. */
  failingSinceMs: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The columns an update may set (never the id, its environment or its secrets: {@link WebhookEndpointRepository.rotateSecret}). */
export type WebhookEndpointPatch = Pick<
  Updateable<WebhookEndpointTable>,
  'url' | 'events' | 'enabled' | 'disabled_reason' | 'failing_since_ms'
>;

/** The key a PostgreSQL advisory lock on the server-wide endpoints takes (any constant of its own). */
const SERVER_WIDE_LOCK = 280_001;

const n = (v: number | null) => (v === null ? null : Number(v));

function toRecord(row: WebhookEndpointTable): WebhookEndpointRecord {
  return {
    id: row.id,
    environmentId: row.environment_id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    enabled: Number(row.enabled) === 1,
    disabledReason: row.disabled_reason,
    secretEnc: row.secret_enc,
    previousSecretEnc: row.previous_secret_enc,
    previousExpiresAt: n(row.previous_expires_at),
    failingSinceMs: n(row.failing_since_ms),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The `webhook_endpoints` table. */
export class WebhookEndpointRepository {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts one endpoint (the caller checked the bound under {@link lockScope}). */
  async insert(row: WebhookEndpointTable): Promise<void> {
    await this.db.insertInto('webhook_endpoints').values(row).execute();
  }

  /** The endpoints of environment `environmentId` (null: the server-wide ones), oldest first (one query). */
  async list(environmentId: string | null): Promise<WebhookEndpointRecord[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('environment_id', environmentId === null ? 'is' : '=', environmentId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  /** How many endpoints environment `environmentId` (null: the server) has. */
  async count(environmentId: string | null): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('environment_id', environmentId === null ? 'is' : '=', environmentId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Endpoint `id` of environment `environmentId` (null: server-wide), or undefined (also for another environment's). */
  async get(environmentId: string | null, id: string): Promise<WebhookEndpointRecord | undefined> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .where('environment_id', environmentId === null ? 'is' : '=', environmentId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * {@link get}, the row locked until the caller's transaction ends (PostgreSQL `FOR UPDATE`;
   * SQLite's write transaction holds the whole store), to decide on it and change it. Only in a unit of work.
   */
  async lock(environmentId: string | null, id: string): Promise<WebhookEndpointRecord | undefined> {
    let query = this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .where('environment_id', environmentId === null ? 'is' : '=', environmentId);
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * Serializes the additions to environment `environmentId`'s endpoints (null: the server-wide
   * ones) until the caller's transaction ends, so two additions can't both count 9 and make 11:
   * PostgreSQL locks the environment's row `FOR UPDATE` (server-wide: a transaction advisory
   * lock); SQLite's write transaction already holds the whole store. Only in a unit of work.
   * @returns false when the environment doesn't exist (never for server-wide).
   */
  async lockScope(environmentId: string | null): Promise<boolean> {
    if (environmentId === null) {
      if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${SERVER_WIDE_LOCK})`.execute(this.db);
      return true;
    }
    let query = this.db.selectFrom('environments').select('id').where('id', '=', environmentId);
    if (this.dialect === 'postgres') query = query.forUpdate();
    return (await query.executeTakeFirst()) !== undefined;
  }

  /** Sets `patch` on endpoint `id` and `updated_at` = `now` (seconds). @returns whether a row changed. */
  async update(id: string, patch: WebhookEndpointPatch, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_endpoints')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /**
   * Makes `secretEnc` the signing secret of endpoint `id`; the one it replaces becomes the previous
   * secret, signing too until `previousExpiresAt` (seconds). A previous secret of an earlier
   * rotation is dropped (only the last two sign). `now` in seconds.
   * @returns whether a row changed.
   */
  async rotateSecret(id: string, secretEnc: string, previousExpiresAt: number, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_endpoints')
      .set((eb) => ({
        previous_secret_enc: eb.ref('secret_enc'),
        previous_expires_at: previousExpiresAt,
        secret_enc: secretEnc,
        updated_at: now,
      }))
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Deletes endpoint `id` of `environmentId` (null: server-wide) with its deliveries (cascade). @returns whether it existed. */
  async remove(environmentId: string | null, id: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('webhook_endpoints')
      .where('id', '=', id)
      .where('environment_id', environmentId === null ? 'is' : '=', environmentId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
