/**
 * Drops `issued_tokens_integration` (integration_id, expires_at): every query by integration
 * (revoking its tokens, counting its mints for the quota) is served by
 * `issued_tokens_integration_issued`, and each index costs a page write per minted token.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('issued_tokens_integration').ifExists().execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
