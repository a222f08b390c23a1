/**
 * What a repository runs its statements on: the store's Kysely handle (a read, or a write that is
 * its own transaction) or a transaction of a unit of work.
 * @packageDocumentation
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

/** A Kysely handle over the Gatehouse schema, or a transaction on it. */
export type Queryable = Kysely<Database> | Transaction<Database>;

/** The SQL dialect a store speaks. */
export type Dialect = 'sqlite' | 'postgres';

/** True for a unique-constraint violation on SQLite or PostgreSQL. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
