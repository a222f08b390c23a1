import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The stores every repository and server test runs on: SQLite always, PostgreSQL when configured. */
export type StoreKind = 'sqlite' | 'postgres';

export const PG_URL = process.env.GATEHOUSE_TEST_DATABASE_URL;

/** `['sqlite']`, plus `'postgres'` when GATEHOUSE_TEST_DATABASE_URL is set. */
export const STORE_KINDS: StoreKind[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * The stores an HTTP behaviour test runs on: the embedded store only (issue #24). HTTP behaviour is
 * the same on both stores; what differs is SQL, tested where it lives (the repository contract tests)
 * and in the files whose subject is the store itself (concurrency, locking, multi-node, outages),
 * which use {@link STORE_KINDS}.
 */
export const HTTP_STORE_KINDS: StoreKind[] = ['sqlite'];

/** A fresh master key (base64). */
export const MASTER_KEY = randomBytes(32).toString('base64');

/** Where a test's store lives: a temp dir (SQLite) or its own PostgreSQL schema. */
export interface StoreLocation {
  kind: StoreKind;
  dataDir: string;
  databaseUrl?: string;
  pgSchema?: string;
  /** Removes the temp dir or drops the schema. */
  dispose(): Promise<void>;
}

/**
 * A new, empty store location of `kind`; with `migrated` (what a test server asks for), a SQLite
 * one starts as a copy of the run's migrated template when there is one (sqlite-template.ts), so
 * opening it migrates nothing.
 */
export function newStoreLocation(kind: StoreKind, opts: { migrated?: boolean } = {}): StoreLocation {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  if (kind === 'sqlite') {
    const template = process.env.GATEHOUSE_TEST_SQLITE_TEMPLATE;
    if (opts.migrated && template && existsSync(template)) copyFileSync(template, join(dataDir, 'gatehouse.db'));
    return { kind, dataDir, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (!PG_URL) throw new Error('GATEHOUSE_TEST_DATABASE_URL is not set');
  const pgSchema = `t_${randomBytes(6).toString('hex')}`;
  return {
    kind,
    dataDir,
    databaseUrl: PG_URL,
    pgSchema,
    async dispose() {
      rmSync(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${pgSchema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
