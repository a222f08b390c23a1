/**
 * A command's unit of work (docs/security.md K-100, "Decide inside the transaction"): the work
 * loads what it decides on in its transaction (locked on PostgreSQL, under SQLite's write lock),
 * decides, writes, and returns the written record; once committed, this process's caches are told
 * of the changes it made (`ctx.caches`), so its next request sees them without waiting for the
 * change feed.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { unitOfWork, type CommittedChange, type UnitOfWork } from '../store/unit-of-work.js';

/**
 * Runs `work` in one unit of work of `ctx`'s store, then applies its changes to this process's caches.
 * @returns what `work` returned, once committed.
 * @throws whatever `work` or the commit threw; nothing of the work is written then.
 */
export async function command<T>(ctx: Context, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  let changed: readonly CommittedChange[] = [];
  const result = await unitOfWork(ctx.store, async (uow) => {
    const out = await work(uow);
    changed = uow.changed;
    return out;
  });
  await ctx.caches.committed(changed);
  return result;
}
