/**
 * Failure counters in the store, so the throttle's limits hold across nodes: one upsert per
 * failed authentication (never on success), and a `throttle` change when a window fills, which
 * every node applies within 1 s.
 * @packageDocumentation
 */
import { sql } from 'kysely';
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { recordChange } from '../store/repositories/change-log.js';
import type { SharedFailureCounter } from './throttle-store.js';

/** The store-backed counter. */
export function storeFailureCounter(ctx: Context): SharedFailureCounter {
  return {
    async record(key, limit, windowMs) {
      const now = ctx.clock.now();
      const fresh = now - windowMs;
      const row = await ctx.db
        .insertInto('throttle_counters')
        .values({ key, window_start_ms: now, count: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql<number>`case when throttle_counters.window_start_ms > ${fresh} then throttle_counters.count + 1 else 1 end`,
            window_start_ms: sql<number>`case when throttle_counters.window_start_ms > ${fresh} then throttle_counters.window_start_ms else ${now} end`,
          }),
        )
        .returning(['count', 'window_start_ms'])
        .executeTakeFirstOrThrow();
      const count = Number(row.count);
      if (count === limit) {
        await recordChange(ctx.db, ctx.store.dialect, 'throttle', JSON.stringify([key, Number(row.window_start_ms) + windowMs]), nowSeconds(ctx.clock));
      }
      return count;
    },
  };
}

/** Applies a `throttle` change (`[key, untilMs]`) to `block`. */
export function applyThrottleChange(ref: string, block: (key: string, untilMs: number) => void): void {
  try {
    const [key, until] = JSON.parse(ref) as [unknown, unknown];
    if (typeof key === 'string' && typeof until === 'number') block(key, until);
  } catch {
    // not ours
  }
}
