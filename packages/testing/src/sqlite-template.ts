/**
 * Vitest global setup: migrates one embedded store per run into a template database file, which
 * every test server's new SQLite store location copies ({@link newStoreLocation} with `migrated`) instead of running the
 * migrations again (issue #24). The template holds the schema only (the migrations write no row
 * that depends on the master key or the clock); the server's start then finds nothing to migrate.
 * Its path reaches the test workers through `GATEHOUSE_TEST_SQLITE_TEMPLATE` (they inherit the
 * environment); a run without this setup (a single script) migrates each store as before.
 * @packageDocumentation
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@gatehouse/server';

/** The variable naming the template file. */
export const SQLITE_TEMPLATE_VARIABLE = 'GATEHOUSE_TEST_SQLITE_TEMPLATE';

/** Set once the template exists: the root config and each project run the setup (see report-stores.ts). */
const MADE = Symbol.for('gatehouse.test.sqliteTemplate');
const marks = globalThis as { [MADE]?: boolean };

/** Makes the template (once per run); the returned teardown removes it. */
export default async function setup(): Promise<() => void> {
  if (marks[MADE]) return () => {};
  marks[MADE] = true;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-template-'));
  // Closing the only connection checkpoints the WAL into the file: one self-contained file.
  const store = await openStore({ dataDir: dir });
  await store.close();
  process.env[SQLITE_TEMPLATE_VARIABLE] = join(dir, 'gatehouse.db');
  return () => {
    delete process.env[SQLITE_TEMPLATE_VARIABLE];
    rmSync(dir, { recursive: true, force: true });
  };
}
