/**
 * The change log: every write that caches depend on appends a row in the same transaction.
 * Running servers read it (poll, and LISTEN/NOTIFY on PostgreSQL) to drop stale cache entries.
 * @packageDocumentation
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';

/** What changed: the kind of object and its id. */
export type ChangeKind = 'environment' | 'integration' | 'api' | 'keys' | 'revocation' | 'credential' | 'customer' | 'throttle';

/** One change row. */
export interface Change {
  id: number;
  kind: ChangeKind;
  ref: string;
}

/** The PostgreSQL channel changes are announced on. */
export const CHANGE_CHANNEL = 'gatehouse_changes';

/**
 * Appends a change inside `trx` (so it commits or rolls back with the write), and on PostgreSQL
 * announces it with NOTIFY, delivered at commit. `now` is in seconds.
 */
export async function recordChange(trx: Transaction<Database> | Kysely<Database>, dialect: 'sqlite' | 'postgres', kind: ChangeKind, ref: string, now: number): Promise<void> {
  await trx.insertInto('change_log').values({ kind, ref, created_at: now }).execute();
  if (dialect === 'postgres') await sql`select pg_notify(${CHANGE_CHANNEL}, ${kind})`.execute(trx);
}

/** Changes after `afterId`, oldest first, at most `limit`. */
export async function changesSince(db: Kysely<Database>, afterId: number, limit = 1000): Promise<Change[]> {
  const rows = await db.selectFrom('change_log').select(['id', 'kind', 'ref']).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind as ChangeKind, ref: r.ref }));
}

/** The newest change id (0 when there is none). */
export async function latestChangeId(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('change_log').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
  return Number(row?.max ?? 0);
}
