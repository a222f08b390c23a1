/**
 * What an operator sees of an integration's use (issue #19): when it was last used, when its
 * secret was issued, how many of its tokens are live. `last_used_at` is written in batches by
 * services/usage-ledger.ts, never once per request.
 * @packageDocumentation
 */
import { sql } from 'kysely';
import type { Queryable } from './queryable.js';

/** Usage of one integration. Times in seconds since the epoch. */
export interface IntegrationUsage {
  /** Its last token issuance or API call as stored; null: never (or not flushed yet). */
  lastUsedAt: number | null;
  /** When its current secret was issued; null: it has no secret. */
  secretCreatedAt: number | null;
  /** Its tokens neither expired nor revoked at `now`. */
  liveTokens: number;
}

/**
 * Usage of the integrations `ids` (internal ids) at `now` (seconds): two queries whatever the count.
 * Integrations that don't exist are absent from the map.
 */
export async function loadIntegrationUsage(
  db: Queryable,
  ids: readonly string[],
  now: number,
): Promise<Map<string, IntegrationUsage>> {
  const out = new Map<string, IntegrationUsage>();
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('integrations')
    .select(['id', 'last_used_at', 'secret_created_at'])
    .where('id', 'in', ids)
    .execute();
  for (const r of rows) {
    out.set(r.id, {
      lastUsedAt: r.last_used_at == null ? null : Number(r.last_used_at),
      secretCreatedAt: r.secret_created_at == null ? null : Number(r.secret_created_at),
      liveTokens: 0,
    });
  }
  const counts = await db
    .selectFrom('issued_tokens')
    .select(['integration_id', sql<number | string>`count(*)`.as('n')])
    .where('integration_id', 'in', ids)
    .where('expires_at', '>', now)
    .where('revoked_at', 'is', null)
    .groupBy('integration_id')
    .execute();
  for (const c of counts) {
    const usage = out.get(c.integration_id);
    if (usage) usage.liveTokens = Number(c.n);
  }
  return out;
}

/**
 * Writes a batch of last-use times (seconds) on `db` (the flush's unit of work: one transaction for
 * the batch); a stored time is never moved back (another node may have flushed a later one).
 * Deleted integrations are skipped.
 */
export async function writeLastUsed(db: Queryable, batch: ReadonlyMap<string, number>): Promise<void> {
  for (const [id, at] of batch) {
    await db
      .updateTable('integrations')
      .set({
        last_used_at: sql<number>`case when last_used_at is null or last_used_at < ${at} then ${at} else last_used_at end`,
      })
      .where('id', '=', id)
      .execute();
  }
}

/** Records that integration `id` got a new secret at `now` (seconds), in the caller's transaction. */
export async function markSecretCreated(db: Queryable, id: string, now: number): Promise<void> {
  await db.updateTable('integrations').set({ secret_created_at: now }).where('id', '=', id).execute();
}

/** The usage columns of `integrations` (`last_used_at`, `secret_created_at`) and live-token counts. */
export class IntegrationUsageRepository {
  constructor(private readonly db: Queryable) {}

  /** {@link loadIntegrationUsage}. */
  load(ids: readonly string[], now: number): Promise<Map<string, IntegrationUsage>> {
    return loadIntegrationUsage(this.db, ids, now);
  }

  /** {@link writeLastUsed}. */
  writeLastUsed(batch: ReadonlyMap<string, number>): Promise<void> {
    return writeLastUsed(this.db, batch);
  }

  /** {@link markSecretCreated}. */
  markSecretCreated(id: string, now: number): Promise<void> {
    return markSecretCreated(this.db, id, now);
  }
}
