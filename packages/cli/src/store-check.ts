/**
 * Whether a Gatehouse store exists where the CLI was pointed, checked without creating anything:
 * only `serve` and `migrate` create a store. Any other command run from the wrong folder (or with
 * a mistyped `--data`/`--database-url`) would otherwise create an empty store and then report
 * "environment not found".
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { redactDatabaseUrl, type Config } from '@gatehouse/server';

/** The embedded store's database file in its data directory. */
const SQLITE_FILE = 'gatehouse.db';
/** The table the store's migrations are recorded in (Kysely's default name). */
const MIGRATION_TABLE = 'kysely_migration';

/** A command other than `serve`/`migrate` was pointed at a place with no Gatehouse store. */
export class NoStore extends Error {
  override readonly name = 'NoStore';
}

/**
 * Checks that `config` points at an existing store: the embedded store's `gatehouse.db` in the
 * data directory, or, on PostgreSQL, the migrations table in the configured schema (else the
 * connection's current schema). Creates nothing (no directory, file or schema).
 * @throws NoStore naming the data directory (or the redacted PostgreSQL URL and schema) and how to create a store.
 * @throws the driver's error when PostgreSQL can't be reached.
 */
export async function requireStore(config: Config): Promise<void> {
  const create = 'create one with `gatehouse migrate` (or start the server: `gatehouse serve`)';
  if (!config.databaseUrl) {
    if (existsSync(join(config.dataDir, SQLITE_FILE))) return;
    throw new NoStore(
      `no Gatehouse store in ${config.dataDir} (no ${SQLITE_FILE}): run from the folder holding the server's data, ` +
        `or point at it with --data <dir> or GATEHOUSE_DATA_DIR; to start a new store there, ${create}`,
    );
  }
  const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  let schema: string | null;
  let present: boolean;
  try {
    const { rows } = await client.query<{ schema: string | null; present: boolean }>(
      'select s.schema, to_regclass(quote_ident(s.schema) || $2) is not null as present from (select coalesce($1::text, current_schema()) as schema) s',
      [config.pgSchema ?? null, `.${MIGRATION_TABLE}`],
    );
    schema = rows[0]?.schema ?? null;
    present = rows[0]?.present === true;
  } finally {
    await client.end();
  }
  if (present) return;
  throw new NoStore(
    `no Gatehouse store at PostgreSQL ${redactDatabaseUrl(config.databaseUrl)}${schema ? ` (schema ${schema})` : ''}: ` +
      `its migrations table is missing; check --database-url / DATABASE_URL, or ${create}`,
  );
}
