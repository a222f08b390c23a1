/** Which SQL dialect a Kysely handle speaks. */
import { PostgresAdapter, type Kysely } from 'kysely';

/** True when `db` runs on PostgreSQL (false for SQLite). */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
