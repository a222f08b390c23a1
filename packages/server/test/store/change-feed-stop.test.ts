/**
 * The change feed's LISTEN connection on PostgreSQL is never left checked out when the feed stops:
 * a connection that arrives after `stop()` goes straight back, so closing the store (`pool.end()`,
 * which waits for every checked-out client) does not hang. Seen as a 60 s shutdown hang in CI when
 * a server stopped while its feed was reconnecting after a store outage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { ChangeFeed } from '../../src/cache/change-feed.js';
import type { Context } from '../../src/context.js';
import { openContext, prepareStore } from '../../src/runtime.js';
import { testConfig } from '@gatehouse/testing/server';
import { newStoreLocation, PG_URL, type StoreLocation } from '@gatehouse/testing/stores';

/** Resolves to 'closed' when `p` settles within `ms` milliseconds, 'hung' otherwise. */
const settlesWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => 'closed'), new Promise((r) => setTimeout(() => r('hung'), ms).unref())]);

describe.runIf(PG_URL)('change feed stop (postgres)', () => {
  let location: StoreLocation | undefined;
  let ctx: Context | undefined;
  afterEach(async () => {
    await location?.dispose();
  });

  it.each([0, 20, 120])('stop() %i ms into a slow LISTEN connect leaves no client checked out', async (after) => {
    location = newStoreLocation('postgres');
    ctx = await openContext(testConfig(location));
    await prepareStore(ctx);
    const pool = ctx.store.pool!;
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    // The LISTEN connection takes 100 ms to arrive, as right after the database restarted.
    (pool as { connect: unknown }).connect = async () => {
      await new Promise((r) => setTimeout(r, 100));
      return connect();
    };
    const feed = new ChangeFeed(ctx, () => undefined);
    const started = feed.start();
    await new Promise((r) => setTimeout(r, after));
    await feed.stop();
    await started;
    expect(pool.totalCount - pool.idleCount).toBe(0);
    expect(await settlesWithin(ctx.store.close(), 5000)).toBe('closed');
  });

  it('a failed LISTEN connect (the database down) is tried again after a second, and listens when it comes back', async () => {
    location = newStoreLocation('postgres');
    ctx = await openContext(testConfig(location));
    await prepareStore(ctx);
    const pool = ctx.store.pool!;
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    // The first connection is start()'s read of the newest change id; the second, its LISTEN's, is refused.
    let calls = 0;
    (pool as { connect: unknown }).connect = async () => {
      if (++calls === 2) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return connect();
    };
    const feed = new ChangeFeed(ctx, () => undefined);
    await feed.start();
    const listening = () => (feed as unknown as { listenClient?: unknown }).listenClient !== undefined;
    expect(listening()).toBe(false);
    await expect.poll(listening, { timeout: 5000, interval: 50 }).toBe(true);
    await feed.stop();
    expect(await settlesWithin(ctx.store.close(), 5000)).toBe('closed');
  });

  it('stop() while start() reads the newest change id leaves no poll timer behind', async () => {
    location = newStoreLocation('postgres');
    ctx = await openContext(testConfig(location));
    await prepareStore(ctx);
    const feed = new ChangeFeed(ctx, () => undefined);
    const started = feed.start();
    await feed.stop();
    await started;
    expect((feed as unknown as { timer?: unknown }).timer).toBeUndefined();
    expect(await settlesWithin(ctx.store.close(), 5000)).toBe('closed');
  });
});
