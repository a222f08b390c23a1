/**
 * Store contract tests (issue #24): repository methods called directly, on SQLite and PostgreSQL,
 * with real concurrency where the method's contract is about it (`FOR UPDATE`, unique races,
 * atomic upserts, the change log's order). HTTP behaviour tests run on the embedded store only;
 * these are what keep the PostgreSQL statements tested. Run with GATEHOUSE_TEST_DATABASE_URL set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, type Context } from '../../src/context.js';
import { openContext, prepareStore } from '../../src/runtime.js';
import { createEnvironment } from '../../src/services/environments.js';
import { createEnvironmentSecret } from '../../src/services/credentials.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import { isUniqueViolation } from '../../src/store/repositories/index.js';
import { testConfig } from '@gatehouse/testing/server';
import { newStoreLocation, STORE_KINDS, type StoreKind, type StoreLocation } from '@gatehouse/testing/stores';

/** A migrated store of `kind` opened as the server opens it; `close` drops it. */
async function openStoreOf(kind: StoreKind): Promise<{ ctx: Context; close(): Promise<void> }> {
  const location: StoreLocation = newStoreLocation(kind);
  const ctx = await openContext(testConfig(location));
  await prepareStore(ctx);
  return {
    ctx,
    async close() {
      await ctx.store.close();
      await location.dispose();
    },
  };
}

/** Resolves after `ms` milliseconds: holds a transaction open so another one can try to interleave. */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(STORE_KINDS)('store contract (%s)', (kind) => {
  let store: { ctx: Context; close(): Promise<void> };
  let ctx: Context;
  beforeAll(async () => {
    store = await openStoreOf(kind);
    ctx = store.ctx;
  });
  afterAll(() => store.close());

  const now = () => Math.floor(Date.now() / 1000);

  it('change log: since() returns changes after an id in commit order, at most `limit`; latestId() is the newest; a rolled-back change is never seen', async () => {
    const changes = repositories(ctx.store).changes;
    const start = await changes.latestId();
    for (const ref of ['c-1', 'c-2', 'c-3'])
      await unitOfWork(ctx.store, (uow) => uow.change('integration', ref, now()));
    await expect(
      unitOfWork(ctx.store, async (uow) => {
        await uow.change('integration', 'c-rolled-back', now());
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await unitOfWork(ctx.store, (uow) => uow.change('revocation', 'c-4', now()));

    const after = (await changes.since(start)).filter((c) => c.ref.startsWith('c-'));
    expect(after.map((c) => [c.kind, c.ref])).toEqual([
      ['integration', 'c-1'],
      ['integration', 'c-2'],
      ['integration', 'c-3'],
      ['revocation', 'c-4'],
    ]);
    expect(after.map((c) => c.id)).toEqual([...after.map((c) => c.id)].sort((a, b) => a - b));
    expect(await changes.latestId()).toBe(after.at(-1)!.id);
    expect((await changes.since(start, 2)).map((c) => c.ref)).toEqual(['c-1', 'c-2']);
    expect(await changes.since(await changes.latestId())).toEqual([]);
  });

  it('used jtis: of concurrent useOnce() calls for one digest exactly one wins; an expired row is taken over; purge() deletes only expired rows', async () => {
    const jtis = repositories(ctx.store).usedJtis;
    const t = now();
    const wins = await Promise.all(Array.from({ length: 6 }, () => jtis.useOnce('jti-race', t + 60, t)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await jtis.useOnce('jti-race', t + 60, t)).toBe(false);
    // Once expired (now past expires_at), the same digest is usable again, once.
    expect(await jtis.useOnce('jti-race', t + 200, t + 61)).toBe(true);
    expect(await jtis.useOnce('jti-race', t + 200, t + 61)).toBe(false);

    expect(await jtis.useOnce('jti-old', t + 10, t)).toBe(true);
    await jtis.purge(t + 11);
    // Purged: usable again even at a time when the old row would still have been live.
    expect(await jtis.useOnce('jti-old', t + 10, t)).toBe(true);
    // Not expired at the purge time: kept, so still a replay.
    expect(await jtis.useOnce('jti-race', t + 200, t + 61)).toBe(false);
  });

  it('throttle counters: concurrent increments of one key are atomic (each caller sees its own count); a window restarts after windowMs; decrement stops at 0 and only in a running window; purge by window start', async () => {
    const counters = repositories(ctx.store).throttleCounters;
    const nowMs = 1_700_000_000_000;
    const windowMs = 60_000;
    const rows = await Promise.all(
      Array.from({ length: 12 }, () => counters.increment(['k-race', 'k-other'], nowMs, windowMs)),
    );
    const counts = rows.map((r) => r.find((row) => row.key === 'k-race')!.count).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(rows.every((r) => r.every((row) => row.windowStartMs === nowMs))).toBe(true);

    // Inside the window: counting on; at windowMs after its start: a new window at 1.
    expect((await counters.increment(['k-race'], nowMs + windowMs - 1, windowMs))[0]).toEqual({
      key: 'k-race',
      count: 13,
      windowStartMs: nowMs,
    });
    expect((await counters.increment(['k-race'], nowMs + windowMs, windowMs))[0]).toEqual({
      key: 'k-race',
      count: 1,
      windowStartMs: nowMs + windowMs,
    });

    await counters.decrement(['k-race'], nowMs + windowMs, windowMs);
    await counters.decrement(['k-race'], nowMs + windowMs, windowMs);
    expect((await counters.increment(['k-race'], nowMs + windowMs, windowMs))[0]!.count).toBe(1);
    // k-other's window is over: a decrement leaves it alone (the next increment restarts it).
    await counters.decrement(['k-other'], nowMs + 2 * windowMs, windowMs);
    expect((await counters.increment(['k-other'], nowMs + windowMs - 1, windowMs))[0]!.count).toBe(13);

    await counters.purge(nowMs + 1);
    // k-other (started at nowMs) is gone; k-race (started at nowMs + windowMs) is kept.
    expect((await counters.increment(['k-other'], nowMs + windowMs - 1, windowMs))[0]!.count).toBe(1);
    expect((await counters.increment(['k-race'], nowMs + windowMs, windowMs))[0]!.count).toBe(2);
  });

  it('unique races: two concurrent inserts of one administrator email, exactly one succeeds and the other is a unique violation on this dialect', async () => {
    const admins = repositories(ctx.store).admins;
    const row = (id: string) => ({
      id,
      email: 'race@store.test',
      password_hash: 'x',
      created_at: now(),
    });
    const results = await Promise.allSettled([admins.insert(row('adm_race_1')), admins.insert(row('adm_race_2'))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isUniqueViolation(refused.reason)).toBe(true);
    expect(isUniqueViolation(new Error('something else'))).toBe(false);
    expect((await admins.byEmail('race@store.test'))?.email).toBe('race@store.test');
  });

  it('sessions: purgeExpired(now, inclusive) also deletes a session expiring exactly now, purgeExpired(now, false) keeps it', async () => {
    const repos = repositories(ctx.store);
    await repos.admins.insert({
      id: 'adm_sessions',
      email: 'sessions@store.test',
      password_hash: 'x',
      created_at: 1,
      operator: 0,
    });
    const session = (id: string, expiresAt: number) => ({
      id_hash: id,
      admin_id: 'adm_sessions',
      csrf_token: 'csrf',
      created_at: 1,
      expires_at: expiresAt,
    });
    await repos.sessions.insert(session('s-past', 99));
    await repos.sessions.insert(session('s-now', 100));
    await repos.sessions.insert(session('s-later', 101));
    await repos.sessions.purgeExpired(100, false);
    expect(await repos.sessions.byHash('s-past')).toBeUndefined();
    expect(await repos.sessions.byHash('s-now')).toMatchObject({
      email: 'sessions@store.test',
      expires_at: 100,
      operator: 0,
    });
    await repos.sessions.purgeExpired(100, true);
    expect(await repos.sessions.byHash('s-now')).toBeUndefined();
    expect((await repos.sessions.byHash('s-later'))?.expires_at).toBe(101);
    await repos.sessions.delete('s-later');
    expect(await repos.sessions.byHash('s-later')).toBeUndefined();
  });

  it('store meta: concurrent insertIfAbsent() of one name keep the first value; upsert() replaces or adds; read() returns only the names asked; ping() and holdsData() answer', async () => {
    const meta = repositories(ctx.store).storeMeta;
    await Promise.all(['a', 'b', 'c'].map((v) => meta.insertIfAbsent([{ name: 'contract-test', value: v }])));
    const first = (await meta.read(['contract-test'])).get('contract-test');
    expect(['a', 'b', 'c']).toContain(first);
    await meta.insertIfAbsent([{ name: 'contract-test', value: 'later' }]);
    expect((await meta.read(['contract-test', 'absent-name'])).get('contract-test')).toBe(first);
    expect((await meta.read(['absent-name'])).size).toBe(0);
    await meta.upsert([{ name: 'contract-test', value: 'replaced' }]);
    await meta.upsert([{ name: 'contract-upserted', value: 'new' }]);
    const upserted = await meta.read(['contract-test', 'contract-upserted']);
    expect([upserted.get('contract-test'), upserted.get('contract-upserted')]).toEqual(['replaced', 'new']);
    await meta.ping();
    expect(await meta.holdsData()).toBe(true);
  });

  it('credentials: lockEnvironment() serializes concurrent secret writes, so two concurrent creations leave exactly one current secret', async () => {
    const env = await createEnvironment(ctx, CLI_ACTOR, 'contract-secrets');
    const results = await Promise.allSettled([
      createEnvironmentSecret(ctx, CLI_ACTOR, 'contract-secrets'),
      createEnvironmentSecret(ctx, CLI_ACTOR, 'contract-secrets'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const credentials = repositories(ctx.store).credentials;
    const secrets = (await credentials.list(env.id)).filter((c) => c.kind === 'secret');
    expect(secrets.filter((c) => c.expires_at === null)).toHaveLength(1);
    expect(await credentials.hasCurrentSecret(env.id)).toBe(true);
  });
});

describe.each(STORE_KINDS)('store contract, environment removal (%s)', (kind) => {
  it('count() locks the environments (FOR UPDATE on PostgreSQL): of two concurrent "delete unless last" units of work, exactly one deletes', async () => {
    const { ctx, close } = await openStoreOf(kind);
    try {
      await createEnvironment(ctx, CLI_ACTOR, 'removal-a');
      await createEnvironment(ctx, CLI_ACTOR, 'removal-b');
      const ids = (await ctx.db.selectFrom('environments').select(['id', 'slug']).execute()).filter((e) =>
        e.slug.startsWith('removal-'),
      );
      // Leave exactly the two environments under test.
      for (const e of await ctx.db.selectFrom('environments').select(['id', 'slug']).execute())
        if (!e.slug.startsWith('removal-'))
          await unitOfWork(ctx.store, (uow) => uow.environmentRemoval.deleteWithContents(e.id, 1));
      expect(await repositories(ctx.store).environmentRemoval.count()).toBe(2);

      const deleteUnlessLast = (id: string) =>
        unitOfWork(ctx.store, async (uow) => {
          const n = await uow.environmentRemoval.count();
          await pause(50);
          if (n <= 1) return false;
          await uow.environmentRemoval.deleteWithContents(id, 1);
          return true;
        });
      const deleted = await Promise.all(ids.map((e) => deleteUnlessLast(e.id)));
      expect(deleted.filter(Boolean)).toHaveLength(1);
      expect(await repositories(ctx.store).environmentRemoval.count()).toBe(1);
    } finally {
      await close();
    }
  });
});
