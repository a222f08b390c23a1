/**
 * Issue #19 visibility: per integration, when it was last used (`last_used_at`, seconds, written
 * in batches off the request path by services/usage-ledger.ts) and when its current secret was
 * issued (`secret_created_at`, seconds; set at creation and at every rotation). Existing
 * integrations get their creation time as the secret's: the best known bound (rotations before
 * this migration were not timed on the row).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('integrations').addColumn('last_used_at', 'bigint').execute();
  await db.schema.alterTable('integrations').addColumn('secret_created_at', 'bigint').execute();
  await sql`update integrations set secret_created_at = created_at where secret_hash <> 'none'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
