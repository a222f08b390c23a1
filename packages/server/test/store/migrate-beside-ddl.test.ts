/**
 * Opening (and migrating) a PostgreSQL store while other schemas of the same database are created
 * and dropped: Kysely's migrator reads the catalog of every schema by name, so a schema dropped at
 * that moment used to fail the open with `schema "…" does not exist` (seen when two test files ran
 * side by side; in production, another application's migration in the same database). It is retried.
 */
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { openStore } from '../../src/store/db.js';
import { newStoreLocation, PG_URL } from '@gatehouse/testing/stores';

describe.runIf(PG_URL)('migrating beside DDL elsewhere (postgres)', () => {
  it('a store opens while another schema with tables is created and dropped in a loop', async () => {
    const churn = new pg.Client({ connectionString: PG_URL });
    await churn.connect();
    let running = true;
    const name = `churn_${process.pid}`;
    const loop = (async () => {
      while (running) {
        await churn.query(`create schema if not exists ${name}; create table ${name}.t (id serial primary key)`);
        await churn.query(`drop schema ${name} cascade`);
      }
    })();
    const failures: string[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const location = newStoreLocation('postgres');
        try {
          const store = await openStore({
            dataDir: location.dataDir,
            databaseUrl: location.databaseUrl,
            pgSchema: location.pgSchema,
          });
          await store.close();
        } catch (err) {
          failures.push((err as Error).message);
        } finally {
          await location.dispose();
        }
      }
    } finally {
      running = false;
      await loop;
      await churn.end();
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
