/**
 * Opening a store retries a migration that lost a race (another process migrating, a schema
 * dropped elsewhere in the database: store/migrate-beside-ddl.test.ts provokes it for real) and
 * nothing else. No store: the migration is a function that fails as told.
 */
import { describe, expect, it } from 'vitest';
import { retryRacingMigration } from '../../src/store/db.js';

const failing = (...errors: (Error & { code?: string })[]) => {
  let calls = 0;
  return {
    run: async () => {
      const err = errors[calls++];
      if (err) throw err;
    },
    calls: () => calls,
  };
};
const withCode = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('retryRacingMigration', () => {
  it('retries what a racing migration fails with, waiting 50 ms more each time, until it succeeds', async () => {
    const waits: number[] = [];
    const m = failing(
      new Error('table "apis" already exists'),
      new Error('SQLITE_BUSY: database is locked'),
      withCode('3F000', 'schema "churn_1" does not exist'),
      withCode('42P01', 'relation "x" does not exist'),
    );
    await retryRacingMigration(m.run, async (ms) => void waits.push(ms));
    expect(m.calls()).toBe(5);
    expect(waits).toEqual([50, 100, 150, 200]);
  });

  it('gives up after the fifth racing failure, and at once on any other error', async () => {
    const racing = failing(...Array.from({ length: 6 }, () => withCode('23505', 'duplicate key value')));
    await expect(retryRacingMigration(racing.run, async () => {})).rejects.toThrow('duplicate key');
    expect(racing.calls()).toBe(5);
    const other = failing(new Error('permission denied for schema public'));
    await expect(retryRacingMigration(other.run, async () => {})).rejects.toThrow('permission denied');
    expect(other.calls()).toBe(1);
  });
});
