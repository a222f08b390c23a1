/**
 * The one set of migrations, applied on start and by `gatehouse migrate`. Kysely's migrator
 * takes a lock table, so two nodes starting at once on an empty database end with one schema.
 */
import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as m001 from './001-initial.js';
import * as m002 from './002-token-quota.js';
import * as m003 from './003-throttle-counters.js';
import * as m004 from './004-drop-redundant-index.js';
import * as m005 from './005-master-key-check.js';
import * as m006 from './006-management-scopes.js';
import * as m008 from './008-client-keys.js';
import * as m009 from './009-integration-visibility.js';
import * as m010 from './010-members.js';
import * as m011 from './011-sign-in-factors.js';
import * as m012 from './012-sign-in-pipeline.js';
import * as m013 from './013-token-exchange.js';
import * as m014 from './014-federated-credentials.js';
import * as m015 from './015-webhooks.js';
import * as m016 from './016-webhooks-scope.js';

const migrations: Record<string, Migration> = {
  '001-initial': m001,
  '002-token-quota': m002,
  '003-throttle-counters': m003,
  '004-drop-redundant-index': m004,
  '005-master-key-check': m005,
  '006-management-scopes': m006,
  '008-client-keys': m008,
  '009-integration-visibility': m009,
  '010-members': m010,
  '011-sign-in-factors': m011,
  '012-sign-in-pipeline': m012,
  '013-token-exchange': m013,
  '014-federated-credentials': m014,
  '015-webhooks': m015,
  '016-webhooks-scope': m016,
};

/**
 * Applies every pending migration. `schema` (PostgreSQL) names the schema that holds Kysely's
 * bookkeeping tables: without it the migrator finds those of *any* schema of the database and,
 * when another Gatehouse (or a crashed test) left them elsewhere, never creates its own.
 * @throws Error when a migration fails (the failed migration is rolled back).
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema && { migrationTableSchema: schema }),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}
