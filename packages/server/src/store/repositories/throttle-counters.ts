/**
 * `throttle_counters`: fixed failure windows shared by every node, keyed by digests.
 * @packageDocumentation
 */
import { sql } from 'kysely';
import type { Queryable } from './queryable.js';

/** A window's count and when it started (milliseconds since the epoch). */
export interface CounterRow {
  key: string;
  count: number;
  windowStartMs: number;
}

/**
 * Adds one to each of `keys` in one statement (an upsert, atomic per row on SQLite and
 * PostgreSQL): a window that started at or before `nowMs - windowMs` restarts at 1. A key named
 * twice counts once (PostgreSQL refuses an upsert that touches one row twice; SQLite would count two).
 * @returns the new counts, in no particular order (none for no keys).
 */
export async function incrementCounters(
  db: Queryable,
  keys: readonly string[],
  nowMs: number,
  windowMs: number,
): Promise<CounterRow[]> {
  if (!keys.length) return [];
  const fresh = nowMs - windowMs;
  const rows = await db
    .insertInto('throttle_counters')
    .values([...new Set(keys)].map((key) => ({ key, window_start_ms: nowMs, count: 1 })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when throttle_counters.window_start_ms > ${fresh} then throttle_counters.count + 1 else 1 end`,
        window_start_ms: sql<number>`case when throttle_counters.window_start_ms > ${fresh} then throttle_counters.window_start_ms else ${nowMs} end`,
      }),
    )
    .returning(['key', 'count', 'window_start_ms'])
    .execute();
  return rows.map((r) => ({ key: r.key, count: Number(r.count), windowStartMs: Number(r.window_start_ms) }));
}

/** Takes one back from each of `keys` whose window (of `windowMs`) is still running. */
export async function decrementCounters(
  db: Queryable,
  keys: readonly string[],
  nowMs: number,
  windowMs: number,
): Promise<void> {
  if (!keys.length) return;
  await db
    .updateTable('throttle_counters')
    .set({ count: sql<number>`count - 1` })
    .where('key', 'in', keys)
    .where('count', '>', 0)
    .where('window_start_ms', '>', nowMs - windowMs)
    .execute();
}

/** Deletes windows that started before `beforeMs` (milliseconds). */
export async function purgeCounters(db: Queryable, beforeMs: number): Promise<void> {
  await db.deleteFrom('throttle_counters').where('window_start_ms', '<', beforeMs).execute();
}

/** The `throttle_counters` table. */
export class ThrottleCounterRepository {
  constructor(private readonly db: Queryable) {}

  /** {@link incrementCounters}. */
  increment(keys: readonly string[], nowMs: number, windowMs: number): Promise<CounterRow[]> {
    return incrementCounters(this.db, keys, nowMs, windowMs);
  }

  /** {@link decrementCounters}. */
  decrement(keys: readonly string[], nowMs: number, windowMs: number): Promise<void> {
    return decrementCounters(this.db, keys, nowMs, windowMs);
  }

  /** {@link purgeCounters}. */
  purge(beforeMs: number): Promise<void> {
    return purgeCounters(this.db, beforeMs);
  }
}
