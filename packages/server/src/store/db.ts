/**
 * Opens the store: Kysely over better-sqlite3 (embedded default) or PostgreSQL (`pg`).
 * @packageDocumentation
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrations/index.js';

// PostgreSQL returns int8 as strings; every bigint column here holds epoch seconds or ms, safe as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

/** Where the store lives: a data directory for SQLite, or a PostgreSQL URL. */
export interface StoreOptions {
  /** Directory of the embedded SQLite file (`gatehouse.db`). Used when `databaseUrl` is absent. */
  dataDir: string;
  /** `postgres://…`; when set, PostgreSQL is used. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (created if missing); tests give each run its own. */
  pgSchema?: string | undefined;
  /** Largest number of pooled PostgreSQL connections. */
  poolSize?: number | undefined;
}

/** An open store. `close()` ends every connection. */
export interface Store {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /** The pg pool (PostgreSQL only), for LISTEN/NOTIFY. */
  pool?: pg.Pool;
  options: StoreOptions;
  /** Called after every query with its duration in milliseconds and its SQL text (metrics, traces). */
  onQuery?: (durationMs: number, failed: boolean, sql: string) => void;
  close(): Promise<void>;
}

/** Kysely's log hook, forwarding query durations to `store.onQuery`. */
function queryLog(store: () => Store | undefined) {
  return (event: { level: 'query' | 'error'; queryDurationMillis: number; query: { sql: string } }) =>
    store()?.onQuery?.(event.queryDurationMillis, event.level === 'error', event.query.sql);
}

/**
 * Opens the store and applies pending migrations.
 * SQLite runs in WAL mode with `synchronous=NORMAL`: a committed transaction survives a crash
 * of the process (kill -9), which is the failure Gatehouse guards against; only an OS crash or
 * power loss may roll back the last transactions, as with any WAL database in NORMAL mode.
 * @throws Error when the database can't be opened or a migration fails.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? await openPostgres(options) : openSqlite(options);
  try {
    await migrateRacing(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/**
 * Migrates, tolerating another process migrating at the same moment: Kysely locks on PostgreSQL,
 * but SQLite's deferred transactions let two processes both see an empty schema, and the loser
 * fails with "already exists" or SQLITE_BUSY. It then retries and finds the work done. On
 * PostgreSQL the migrator looks for its table by reading the catalog of *every* schema by name
 * (Kysely's introspector), so a schema or table dropped elsewhere in the database at that moment
 * fails the lookup with 3F000 or 42P01: that is retried too.
 */
async function migrateRacing(store: Store): Promise<void> {
  await retryRacingMigration(async () => {
    await migrateToLatest(
      store.db as Kysely<unknown>,
      store.dialect === 'postgres' ? await currentSchema(store) : undefined,
    );
  });
}

/** What a migration that lost a race with another process (or with DDL elsewhere) fails with. */
const RACING_MIGRATION = /already exists|SQLITE_BUSY|duplicate key|23505|42P07|3F000|42P01/;

/**
 * Runs `migrate`, again after 50, 100, 150, 200 ms (`wait`, milliseconds) while it fails the way a
 * migration racing another one fails ({@link migrateRacing}); at most 5 attempts.
 * @throws the first error of any other kind at once, or the fifth racing one.
 */
export async function retryRacingMigration(
  migrate: () => Promise<void>,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate();
    } catch (err) {
      const text = `${(err as { code?: string }).code ?? ''} ${(err as Error).message}`;
      if (attempt >= 5 || !RACING_MIGRATION.test(text)) throw err;
      await wait(50 * attempt);
    }
  }
}

/** The schema unqualified tables land in (PostgreSQL): the configured one, else the search path's first. */
async function currentSchema(store: Store): Promise<string> {
  if (store.options.pgSchema) return store.options.pgSchema;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  return rows[0]?.schema ?? 'public';
}

function openSqlite(options: StoreOptions): Store {
  mkdirSync(options.dataDir, { recursive: true });
  const sqlite = new SQLite(join(options.dataDir, 'gatehouse.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's lower() folds ASCII letters only, PostgreSQL's every letter: a search that compares
  // lower(name) with text lowercased in JavaScript (integrations' `q`) would find "Équipe" on one
  // store and not the other. Replaced, on this connection, by JavaScript's toLowerCase.
  sqlite.function('lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : (value as null),
  );
  // The log hook reads `store` only when a query has run, after it is assigned.
  const db: Kysely<Database> = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    log: queryLog(() => store),
  });
  const store: Store = { db, dialect: 'sqlite', options, close: () => db.destroy() };
  return store;
}

/**
 * The `rollback` of a transaction SQLite already rolled back by itself: on SQLITE_FULL, SQLITE_IOERR
 * or SQLITE_NOMEM it may end the transaction as it fails the statement, and Kysely's rollback
 * then throws "cannot rollback - no transaction is active", which would mask the original error
 * (a 503) with one that reads as a bug (a 500). Nothing is left to undo, so it does nothing.
 */
const ROLLED_BACK: SqliteStatement = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  iterate: () => [][Symbol.iterator](),
};

/**
 * better-sqlite3 with its prepared statements kept by SQL text: Kysely's driver prepares every
 * query anew, which costs more than running it, while Gatehouse runs a few dozen distinct
 * statements (the LRU bounds texts that vary, like `in (…)` lists). No query is streamed, so a
 * cached statement is never still busy when it is run again. A `rollback` outside a transaction
 * is {@link ROLLED_BACK}.
 *
 * Every transaction begins `immediate` (Kysely's driver says `begin`, which SQLite defers): it
 * takes the write lock at once, so what a unit of work reads is what it writes on — no other
 * process (the CLI, a second server on the same file) can commit in between, and it waits for the
 * lock (`busy_timeout`) instead of failing with SQLITE_BUSY when it upgrades from reading to
 * writing. Within one process Kysely's single connection already runs transactions one at a time.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new LRUCache<string, SQLite.Statement>({ max: 500 });
  return {
    close: () => sqlite.close(),
    prepare(text) {
      if (text === 'rollback' && !sqlite.inTransaction) return ROLLED_BACK;
      const sql = text === 'begin' ? 'begin immediate' : text;
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)));
      return statement;
    },
  };
}

async function openPostgres(options: StoreOptions): Promise<Store> {
  const schema = options.pgSchema;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString: options.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } catch (err) {
      // Two nodes creating the schema at once: the loser sees a duplicate; the schema exists.
      if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42P06') throw err;
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 2000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // A checked-out client whose server goes away emits 'error' too; the failed query already
  // carries the error (answered 503), so the event itself must not crash the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db: Kysely<Database> = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: queryLog(() => store),
  });
  const store: Store = { db, dialect: 'postgres', pool, options, close: () => db.destroy() };
  return store;
}
