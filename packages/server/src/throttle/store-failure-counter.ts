/**
 * The {@link FailureCounter} on the Gatehouse store (SQLite or PostgreSQL): one upsert per failure
 * or reservation (never on a plain success), and a `throttle` change when a window fills, which
 * every node applies within 1 s, so the success path reads nothing.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { repositories } from '../store/unit-of-work.js';
import type { FailureCounter, WindowKey } from './failure-counter.js';

/** The store-backed counter. Every key of one call must share its `windowMs`. */
export function storeFailureCounter(ctx: Context): FailureCounter {
  return {
    peek: () => undefined,
    async add(keys: readonly WindowKey[]) {
      const now = ctx.clock.now();
      const windowMs = keys[0]?.windowMs ?? 0;
      const rows = new Map(
        (
          await repositories(ctx.store).throttleCounters.increment(
            keys.map((k) => k.key),
            now,
            windowMs,
          )
        ).map((r) => [r.key, r]),
      );
      return Promise.all(
        keys.map(async (k) => {
          const row = rows.get(k.key);
          if (!row) throw new Error('throttle counter not returned');
          const resetMs = row.windowStartMs + k.windowMs;
          if (row.count === k.limit)
            await repositories(ctx.store).changes.record(
              'throttle',
              JSON.stringify([k.key, resetMs]),
              nowSeconds(ctx.clock),
            );
          return { count: row.count, resetMs };
        }),
      );
    },
    async refund(keys: readonly WindowKey[]) {
      await repositories(ctx.store).throttleCounters.decrement(
        keys.map((k) => k.key),
        ctx.clock.now(),
        keys[0]?.windowMs ?? 0,
      );
    },
  };
}

/** Applies a `throttle` change (`[key, untilMs]`) to `block`; ignores anything else. */
export function applyThrottleChange(ref: string, block: (key: string, untilMs: number) => void): void {
  try {
    const [key, until] = JSON.parse(ref) as [unknown, unknown];
    if (typeof key === 'string' && typeof until === 'number') block(key, until);
  } catch {
    // not ours
  }
}
