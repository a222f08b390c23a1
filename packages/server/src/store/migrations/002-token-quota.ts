/** Per-integration quota of minted tokens per hour (null: unlimited), and the index to count them. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('integrations').addColumn('token_quota_per_hour', 'integer').execute();
  await db.schema
    .createIndex('issued_tokens_integration_issued')
    .on('issued_tokens')
    .columns(['integration_id', 'issued_at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
