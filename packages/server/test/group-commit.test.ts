/**
 * Group commit: on SQLite the writes of one event-loop turn share a transaction and fail
 * together (nothing half-written); on PostgreSQL each write keeps its own transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stored } from '@gatehouse/testing/stored';
import type { Transaction } from 'kysely';
import { CLI_ACTOR } from '../src/context.js';
import { audit } from '../src/services/audit.js';
import { openStore, type Store } from '../src/store/db.js';
import { GroupCommit } from '../src/store/group-commit.js';
import type { Database } from '../src/store/schema.js';
import { newStoreLocation, STORE_KINDS, type StoreLocation } from '@gatehouse/testing/stores';

describe.each(STORE_KINDS)('group commit (%s)', (kind) => {
  let location: StoreLocation;
  let store: Store;
  let writes: GroupCommit;
  beforeAll(async () => {
    location = newStoreLocation(kind);
    store = await openStore({
      dataDir: location.dataDir,
      databaseUrl: location.databaseUrl,
      pgSchema: location.pgSchema,
    });
    writes = GroupCommit.for(store);
  });
  afterAll(async () => {
    await store.close();
    await location.dispose();
  });

  const events = async (target: string) => (await stored({ db: store.db, store }).auditEvents({ target })).length;
  /** A write that records one event with `target` and answers the transaction it ran in. */
  const record = (target: string) => async (trx: Transaction<Database>) => {
    await audit(trx, CLI_ACTOR, { environmentId: null, action: 'test.write', target }, Date.now());
    return trx;
  };

  it('writes queued in one turn share one transaction on SQLite, each its own on PostgreSQL', async () => {
    const transactions = await Promise.all([
      writes.run(record('shared')),
      writes.run(record('shared')),
      writes.run(record('shared')),
    ]);
    expect(new Set(transactions).size).toBe(kind === 'sqlite' ? 1 : 3);
    expect(await events('shared')).toBe(3);
    // The next turn starts a new group.
    expect(await writes.run(record('shared'))).not.toBe(transactions[0]);
  });

  it('a write that throws rolls back its group and rejects every write in it; the next group commits', async () => {
    const failure = new Error('constraint');
    const results = await Promise.allSettled([
      writes.run(record('failed-group')),
      writes.run(async (trx) => {
        await record('failed-group')(trx);
        throw failure;
      }),
      writes.run(record('failed-group')),
    ]);
    if (kind === 'sqlite') {
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await events('failed-group')).toBe(0);
    } else {
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await events('failed-group')).toBe(2);
    }
    expect(results[1]).toEqual({ status: 'rejected', reason: failure });
    await writes.run(record('after-failure'));
    expect(await events('after-failure')).toBe(1);
  });
});
