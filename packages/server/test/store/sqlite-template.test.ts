/**
 * The run's migrated SQLite template (packages/testing/src/sqlite-template.ts): a new SQLite store
 * location for a test server is a copy of it, so opening it has no migration left to run, and two copies are two
 * stores (a write to one is not in the other).
 */
import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { openStore } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { repositories } from '../../src/store/unit-of-work.js';
import { newStoreLocation } from '@gatehouse/testing/stores';

describe('SQLite template', () => {
  it('a new location opens with every migration applied, and each copy is its own store', async () => {
    expect(process.env.GATEHOUSE_TEST_SQLITE_TEMPLATE, 'the global setup made a template').toBeTruthy();
    const [a, b] = [newStoreLocation('sqlite', { migrated: true }), newStoreLocation('sqlite', { migrated: true })];
    try {
      const one = await openStore({ dataDir: a.dataDir });
      const two = await openStore({ dataDir: b.dataDir });
      expect((await migrateToLatest(one.db as Kysely<unknown>)).results).toEqual([]);
      await repositories(one).storeMeta.upsert([{ name: 'only-in-one', value: 'x' }]);
      expect((await repositories(one).storeMeta.read(['only-in-one'])).get('only-in-one')).toBe('x');
      expect((await repositories(two).storeMeta.read(['only-in-one'])).size).toBe(0);
      await Promise.all([one.close(), two.close()]);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });
});
