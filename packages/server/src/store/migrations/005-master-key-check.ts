/**
 * `store_meta`: facts about the store itself, one row per name. It holds the master key's check
 * value (an HMAC of a fixed label, never the key) and where that key came from, so a process
 * given another key refuses to open the store (docs/security.md H-79). Stores created by an earlier
 * release get their rows on the first open after this migration (the key then in use is adopted).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('store_meta')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
