/**
 * The one set of migrations, applied on start and by `gatehouse migrate`. Kysely's migrator
 * takes a lock table, so two nodes starting at once on an empty database end with one schema.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { isPostgres } from '../dialect.js';
import * as m001 from './001-initial.js';
import * as m002 from './002-token-quota.js';
import * as m003 from './003-throttle-counters.js';
import * as m004 from './004-drop-redundant-index.js';

const migrations: Record<string, Migration> = { '001-initial': m001, '002-token-quota': m002, '003-throttle-counters': m003, '004-drop-redundant-index': m004 };

/**
 * Applies every pending migration.
 * @throws Error when a migration fails (the failed migration is rolled back).
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  // Kysely looks for its migration tables in every schema unless told which one: a lock table
  // left in another schema of the database (another deployment, an interrupted test) would make
  // it skip creating ours and fail. On PostgreSQL, name the schema the store lives in.
  const migrationTableSchema = isPostgres(db) ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(migrationTableSchema && { migrationTableSchema }) });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}
