/**
 * The change log: every write that caches depend on appends a row in the same transaction.
 * Running servers read it (poll, and LISTEN/NOTIFY on PostgreSQL) to drop stale cache entries.
 * @packageDocumentation
 */
import { sql } from 'kysely';
import type { Dialect, Queryable } from './queryable.js';

/** What changed: the kind of object and its id. */
export type ChangeKind =
  'environment' | 'integration' | 'api' | 'keys' | 'revocation' | 'credential' | 'customer' | 'throttle';

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
export async function recordChange(
  trx: Queryable,
  dialect: Dialect,
  kind: ChangeKind,
  ref: string,
  now: number,
): Promise<void> {
  await trx.insertInto('change_log').values({ kind, ref, created_at: now }).execute();
  if (dialect === 'postgres') await sql`select pg_notify(${CHANGE_CHANNEL}, ${kind})`.execute(trx);
}

/** Changes after `afterId`, oldest first, at most `limit`. */
export async function changesSince(db: Queryable, afterId: number, limit = 1000): Promise<Change[]> {
  const rows = await db
    .selectFrom('change_log')
    .select(['id', 'kind', 'ref'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toChange);
}

/** The changes among `ids` that exist (committed), oldest first. */
export async function changesByIds(db: Queryable, ids: readonly number[]): Promise<Change[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('change_log')
    .select(['id', 'kind', 'ref'])
    .where('id', 'in', [...ids])
    .orderBy('id')
    .execute();
  return rows.map(toChange);
}

function toChange(row: { id: number | string; kind: string; ref: string }): Change {
  return { id: Number(row.id), kind: row.kind as ChangeKind, ref: row.ref };
}

/** The newest change id (0 when there is none). */
export async function latestChangeId(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('change_log')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/** The `change_log` table. */
export class ChangeRepository {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
  ) {}

  /** {@link recordChange}: in the unit of work's transaction, it commits or rolls back with the change. */
  record(kind: ChangeKind, ref: string, now: number): Promise<void> {
    return recordChange(this.db, this.dialect, kind, ref, now);
  }

  /** {@link changesSince}. */
  since(afterId: number, limit?: number): Promise<Change[]> {
    return changesSince(this.db, afterId, limit);
  }

  /** {@link changesByIds}. */
  byIds(ids: readonly number[]): Promise<Change[]> {
    return changesByIds(this.db, ids);
  }

  /** {@link latestChangeId}. */
  latestId(): Promise<number> {
    return latestChangeId(this.db);
  }
}
