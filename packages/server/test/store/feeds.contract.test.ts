/**
 * Store contract (issue #24) of the append-only and counter tables: the change log (its order
 * under concurrent commits), audit events, throttle counters, used `jti`s, store meta, and group
 * commit. Repository methods called directly on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.js';
import { CHANGE_CHANNEL, type ChangeKind } from '../../src/store/repositories/change-log.js';
import type { Store } from '../../src/store/db.js';
import type { Repositories } from '../../src/store/repositories/index.js';
import { repositories, unitOfWork, UnitOfWork } from '../../src/store/unit-of-work.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { openStoreOf, seedEnvironment, type OpenStore } from './helpers.js';

describe.each(STORE_KINDS)('store contract: change log, audit, counters, meta, group commit (%s)', (kind) => {
  let open: OpenStore;
  let store: Store;
  let repos: Repositories;
  beforeAll(async () => {
    open = await openStoreOf(kind);
    store = open.store;
    repos = repositories(store);
  });
  afterAll(() => open.close());

  it('change log: since() returns changes after an id in id order, at most `limit`; latestId() is the newest; a rolled-back change is never seen; byIds() returns the committed ones asked for', async () => {
    const start = await repos.changes.latestId();
    for (const ref of ['c-1', 'c-2', 'c-3']) await unitOfWork(store, (uow) => uow.change('integration', ref, 1));
    await expect(
      unitOfWork(store, async (uow) => {
        await uow.change('integration', 'c-rolled-back', 1);
        expect(uow.changed).toEqual([{ kind: 'integration', ref: 'c-rolled-back' }]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await repos.changes.record('revocation', 'c-4', 1);

    const after = await repos.changes.since(start);
    expect(after.map((c) => [c.kind, c.ref])).toEqual([
      ['integration', 'c-1'],
      ['integration', 'c-2'],
      ['integration', 'c-3'],
      ['revocation', 'c-4'],
    ]);
    expect(after.map((c) => c.id)).toEqual([...after.map((c) => c.id)].sort((a, b) => a - b));
    expect(typeof after[0]!.id).toBe('number');
    expect(await repos.changes.latestId()).toBe(after.at(-1)!.id);
    expect((await repos.changes.since(start, 2)).map((c) => c.ref)).toEqual(['c-1', 'c-2']);
    expect(await repos.changes.since(await repos.changes.latestId())).toEqual([]);
    const [c2, , c4] = [after[1]!, after[2]!, after[3]!];
    expect(await repos.changes.byIds([c4.id, c2.id, 987_654_321])).toEqual([c2, c4]);
    expect(await repos.changes.byIds([])).toEqual([]);
  });

  it('change log order: an id is taken at insert, so on PostgreSQL a later id commits while an earlier one is open — since() skips the open one and byIds() finds it once committed; on SQLite writers commit in id order', async () => {
    const start = await repos.changes.latestId();
    let idA = 0;
    let second: Promise<void> | undefined;
    await store.db.transaction().execute(async (trx) => {
      const a = new UnitOfWork(trx, store.dialect);
      await a.change('integration', 'gap-a', 1);
      idA = (await a.changes.since(start)).find((c) => c.ref === 'gap-a')!.id;
      if (kind === 'postgres') {
        await unitOfWork(store, (b) => b.change('integration', 'gap-b', 1));
        const seen = await repos.changes.since(start);
        expect(seen.map((c) => c.ref)).toEqual(['gap-b']);
        expect(seen[0]!.id).toBeGreaterThan(idA);
        expect(await repos.changes.byIds([idA])).toEqual([]);
      } else {
        // Kysely's one SQLite connection runs this after the open transaction commits.
        second = unitOfWork(store, (b) => b.change('integration', 'gap-b', 1));
      }
    });
    await second;
    const all = await repos.changes.since(start);
    expect(all.map((c) => c.ref)).toEqual(['gap-a', 'gap-b']);
    expect((await repos.changes.byIds([idA])).map((c) => c.ref)).toEqual(['gap-a']);
  });

  // PostgreSQL only: SQLite has no NOTIFY (its nodes poll).
  if (kind === 'postgres')
    it('change log: on PostgreSQL record() announces its kind on the change channel (NOTIFY) when its unit of work commits, and never when it rolls back', async () => {
      const listener = await store.pool!.connect();
      const heard: string[] = [];
      let resolveHeard: () => void = () => {};
      const committed = new Promise<void>((r) => (resolveHeard = r));
      // The kind is the payload; unique ones keep other test files' changes (same database) apart.
      const rolledBack = `rb-${Math.random()}` as ChangeKind;
      const kept = `ok-${Math.random()}` as ChangeKind;
      listener.on('notification', (n) => {
        heard.push(n.payload ?? '');
        if (n.payload === kept) resolveHeard();
      });
      try {
        await listener.query(`listen ${CHANGE_CHANNEL}`);
        await unitOfWork(store, async (uow) => {
          await uow.changes.record(rolledBack, 'n-1', 1);
          throw new Error('rolled back');
        }).catch(() => {});
        await unitOfWork(store, (uow) => uow.changes.record(kept, 'n-2', 1));
        // Notifications arrive in commit order: once the kept one is here, a rolled-back one would be too.
        await committed;
        expect(heard).toContain(kept);
        expect(heard).not.toContain(rolledBack);
      } finally {
        await listener.query(`unlisten ${CHANGE_CHANNEL}`);
        listener.release();
      }
    });

  it('audit: record() stores an event; events() lists one environment (or server-wide) newest first, at most `limit`, after a (createdAtMs, id) cursor, narrowed by action (exact or `.*` family, literal `_`/`%`), actor, target, since (inclusive) and until (exclusive); purge() deletes strictly older ones', async () => {
    const envId = await seedEnvironment(store, 'audit-env');
    const actor = { actor: 'admin:a@store.test', ip: '192.0.2.1' };
    await repos.auditLog.record(
      actor,
      { environmentId: envId, action: 'integration.create', target: 't1', details: { n: 1 } },
      10_000,
    );
    await repos.auditLog.record(
      { actor: 'cli' },
      { environmentId: envId, action: 'integration.update', target: 't2' },
      10_001,
    );
    await repos.auditLog.record({ actor: 'cli' }, { environmentId: envId, action: 'integrationXcreate' }, 10_002);
    await repos.auditLog.record(
      { actor: 'cli' },
      { environmentId: envId, action: 'api_x.create', result: 'failure' },
      10_003,
    );
    await repos.auditLog.record({ actor: 'cli' }, { environmentId: envId, action: 'apiyx.create' }, 10_003);
    await unitOfWork(store, (uow) =>
      uow.audit({ actor: 'cli' }, { environmentId: null, action: 'server.audit-test' }, 10_004),
    );

    const all = await repos.auditLog.events(envId, 100);
    expect(all.map((e) => e.created_at_ms)).toEqual([10_003, 10_003, 10_002, 10_001, 10_000]);
    expect(all[4]).toMatchObject({
      slug: 'audit-env',
      actor: 'admin:a@store.test',
      action: 'integration.create',
      target: 't1',
      ip: '192.0.2.1',
      result: 'success',
      details: JSON.stringify({ n: 1 }),
      created_at_ms: 10_000,
    });
    expect(all[0]!.id > all[1]!.id).toBe(true);
    const serverWide = await repos.auditLog.events(null, 100);
    expect(serverWide.find((e) => e.action === 'server.audit-test')).toMatchObject({
      slug: null,
      target: null,
      ip: null,
      details: null,
    });
    expect(serverWide.some((e) => e.action.startsWith('integration'))).toBe(false);

    // Pages by cursor: two, then the rest after the second one's (createdAtMs, id) — ties broken by id.
    const first = await repos.auditLog.events(envId, 2);
    expect(first).toEqual(all.slice(0, 2));
    const cursor = { createdAtMs: first[1]!.created_at_ms, id: first[1]!.id };
    expect(await repos.auditLog.events(envId, 100, cursor)).toEqual(all.slice(2));
    expect(await repos.auditLog.events(envId, 1, { createdAtMs: first[0]!.created_at_ms, id: first[0]!.id })).toEqual([
      all[1],
    ]);

    const actions = async (filter: Parameters<Repositories['auditLog']['events']>[3]) =>
      (await repos.auditLog.events(envId, 100, undefined, filter)).map((e) => e.action);
    expect(await actions({ action: 'integration.*' })).toEqual(['integration.update', 'integration.create']);
    expect(await actions({ action: 'integration.create' })).toEqual(['integration.create']);
    // `_` is literal in a family: `api_x.*` is not `apiyx.create`.
    expect(await actions({ action: 'api_x.*' })).toEqual(['api_x.create']);
    expect(await actions({ action: '%.*' })).toEqual([]);
    expect(await actions({ actor: 'admin:a@store.test' })).toEqual(['integration.create']);
    expect(await actions({ target: 't2' })).toEqual(['integration.update']);
    expect(await actions({ sinceMs: 10_002, untilMs: 10_003 })).toEqual(['integrationXcreate']);
    expect(await actions({ sinceMs: 10_003 })).toHaveLength(2);
    expect(await actions({ untilMs: 10_000 })).toEqual([]);

    expect(await repos.auditLog.purge(10_001)).toBeGreaterThanOrEqual(1);
    expect((await repos.auditLog.events(envId, 100)).map((e) => e.created_at_ms)).toEqual([
      10_003, 10_003, 10_002, 10_001,
    ]);
    expect(await repos.auditLog.purge(10_001)).toBe(0);
  });

  it('used jtis: of concurrent useOnce() calls for one digest exactly one wins; a row expiring exactly now is still live; an expired one is taken over; purge() deletes only rows expired before now', async () => {
    const t = 1_700_000_000;
    const wins = await Promise.all(Array.from({ length: 6 }, () => repos.usedJtis.useOnce('jti-race', t + 60, t)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await repos.usedJtis.useOnce('jti-race', t + 60, t)).toBe(false);
    // At exactly its expiry the row is still live (taken over only when expires_at < now).
    expect(await repos.usedJtis.useOnce('jti-race', t + 200, t + 60)).toBe(false);
    expect(await repos.usedJtis.useOnce('jti-race', t + 200, t + 61)).toBe(true);
    expect(await repos.usedJtis.useOnce('jti-race', t + 200, t + 61)).toBe(false);

    expect(await repos.usedJtis.useOnce('jti-old', t + 10, t)).toBe(true);
    expect(await repos.usedJtis.useOnce('jti-edge', t + 11, t)).toBe(true);
    await repos.usedJtis.purge(t + 11);
    // Purged: usable again even at a time when the old row would still have been live.
    expect(await repos.usedJtis.useOnce('jti-old', t + 10, t)).toBe(true);
    // Expiring exactly at the purge time: kept.
    expect(await repos.usedJtis.useOnce('jti-edge', t + 11, t)).toBe(false);
    expect(await repos.usedJtis.useOnce('jti-race', t + 200, t + 61)).toBe(false);
  });

  it('throttle counters: concurrent increments of one key are atomic (each caller sees its own count); a window restarts after windowMs; decrement stops at 0 and only in a running window; purge by window start', async () => {
    const nowMs = 1_700_000_000_000;
    const windowMs = 60_000;
    const rows = await Promise.all(
      Array.from({ length: 12 }, () => repos.throttleCounters.increment(['k-race', 'k-other'], nowMs, windowMs)),
    );
    const counts = rows.map((r) => r.find((row) => row.key === 'k-race')!.count).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(rows.every((r) => r.every((row) => row.windowStartMs === nowMs))).toBe(true);

    // Inside the window: counting on; at windowMs after its start: a new window at 1.
    expect((await repos.throttleCounters.increment(['k-race'], nowMs + windowMs - 1, windowMs))[0]).toEqual({
      key: 'k-race',
      count: 13,
      windowStartMs: nowMs,
    });
    expect((await repos.throttleCounters.increment(['k-race'], nowMs + windowMs, windowMs))[0]).toEqual({
      key: 'k-race',
      count: 1,
      windowStartMs: nowMs + windowMs,
    });

    await repos.throttleCounters.decrement(['k-race'], nowMs + windowMs, windowMs);
    await repos.throttleCounters.decrement(['k-race'], nowMs + windowMs, windowMs);
    expect((await repos.throttleCounters.increment(['k-race'], nowMs + windowMs, windowMs))[0]!.count).toBe(1);
    // k-other's window is over: a decrement leaves it alone (the next increment restarts it).
    await repos.throttleCounters.decrement(['k-other'], nowMs + 2 * windowMs, windowMs);
    expect((await repos.throttleCounters.increment(['k-other'], nowMs + windowMs - 1, windowMs))[0]!.count).toBe(13);

    await repos.throttleCounters.purge(nowMs + 1);
    // k-other (started at nowMs) is gone; k-race (started at nowMs + windowMs) is kept.
    expect((await repos.throttleCounters.increment(['k-other'], nowMs + windowMs - 1, windowMs))[0]!.count).toBe(1);
    expect((await repos.throttleCounters.increment(['k-race'], nowMs + windowMs, windowMs))[0]!.count).toBe(2);
    // A purge at exactly a window's start keeps it.
    await repos.throttleCounters.purge(nowMs + windowMs);
    expect((await repos.throttleCounters.increment(['k-race'], nowMs + windowMs, windowMs))[0]!.count).toBe(3);
  });

  it('store meta: concurrent insertIfAbsent() of one name keep the first value; upsert() replaces or adds; read() returns only the names asked; ping() and holdsData() answer', async () => {
    await Promise.all(
      ['a', 'b', 'c'].map((v) => repos.storeMeta.insertIfAbsent([{ name: 'contract-test', value: v }])),
    );
    const first = (await repos.storeMeta.read(['contract-test'])).get('contract-test');
    expect(['a', 'b', 'c']).toContain(first);
    await repos.storeMeta.insertIfAbsent([{ name: 'contract-test', value: 'later' }]);
    expect((await repos.storeMeta.read(['contract-test', 'absent-name'])).get('contract-test')).toBe(first);
    expect((await repos.storeMeta.read(['absent-name'])).size).toBe(0);
    await repos.storeMeta.upsert([{ name: 'contract-test', value: 'replaced' }]);
    await repos.storeMeta.upsert([{ name: 'contract-upserted', value: 'new' }]);
    const upserted = await repos.storeMeta.read(['contract-test', 'contract-upserted']);
    expect([upserted.get('contract-test'), upserted.get('contract-upserted')]).toEqual(['replaced', 'new']);
    await repos.storeMeta.ping();
    // prepareStore() made the `default` environment and a signing key.
    expect(await repos.storeMeta.holdsData()).toBe(true);
  });

  it('empty lists: read(), insertIfAbsent() and upsert() of no names, increment() and decrement() of no keys do nothing on both dialects (no `in ()`, no empty insert)', async () => {
    expect((await repos.storeMeta.read([])).size).toBe(0);
    await repos.storeMeta.insertIfAbsent([]);
    await repos.storeMeta.upsert([]);
    expect(await repos.throttleCounters.increment([], 1_700_000_000_000, 60_000)).toEqual([]);
    await repos.throttleCounters.decrement([], 1_700_000_000_000, 60_000);
  });

  it('repeated names in one call: increment() counts a key named twice once, upsert() keeps the last value of a name, insertIfAbsent() the first, on both dialects', async () => {
    const nowMs = 1_800_000_000_000;
    expect(await repos.throttleCounters.increment(['k-twice', 'k-twice'], nowMs, 60_000)).toEqual([
      { key: 'k-twice', count: 1, windowStartMs: nowMs },
    ]);
    await repos.storeMeta.upsert([
      { name: 'twice', value: 'first' },
      { name: 'twice', value: 'last' },
    ]);
    expect((await repos.storeMeta.read(['twice'])).get('twice')).toBe('last');
    await repos.storeMeta.insertIfAbsent([
      { name: 'twice-absent', value: 'first' },
      { name: 'twice-absent', value: 'last' },
    ]);
    expect((await repos.storeMeta.read(['twice-absent'])).get('twice-absent')).toBe('first');
  });

  it('group commit: on SQLite the writes queued in one turn share one transaction (one failure rolls back all of them); on PostgreSQL each write is its own transaction; results come back to their callers', async () => {
    const group = GroupCommit.for(store);
    const start = await repos.changes.latestId();
    const ok = await Promise.all([
      group.unit(async (uow) => {
        await uow.change('integration', 'gc-ok-1', 1);
        return 'one';
      }),
      group.unit(async (uow) => {
        // Shared on SQLite: the first write of the group is visible here, uncommitted.
        const seen = (await uow.changes.since(start)).map((c) => c.ref);
        await uow.change('integration', 'gc-ok-2', 1);
        return seen;
      }),
    ]);
    expect(ok[0]).toBe('one');
    if (kind === 'sqlite') expect(ok[1]).toEqual(['gc-ok-1']);

    const failing = await Promise.allSettled([
      group.unit((uow) => uow.changes.record('integration', 'gc-1', 1).then(() => 1)),
      group.run(() => Promise.reject(new Error('work failed'))),
      group.unit((uow) => uow.changes.record('integration', 'gc-3', 1).then(() => 3)),
    ]);
    const refs = (await repos.changes.since(start)).map((c) => c.ref);
    if (kind === 'sqlite') {
      expect(failing.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(refs).toEqual(['gc-ok-1', 'gc-ok-2']);
    } else {
      expect(failing.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([1, 'rejected', 3]);
      expect(refs.sort()).toEqual(['gc-1', 'gc-3', 'gc-ok-1', 'gc-ok-2']);
    }
  });
});
