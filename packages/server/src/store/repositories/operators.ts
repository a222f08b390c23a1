/**
 * Operator accounts (the `admins` table): list, look up, delete, change the password hash.
 * @packageDocumentation
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** An operator row without its password hash. */
export interface OperatorRecord {
  id: string;
  email: string;
  /** Seconds since the epoch. */
  createdAt: number;
  /** True when a confirmed TOTP factor is enrolled. */
  totp: boolean;
}

/** Every operator, oldest first, with whether TOTP is enrolled. */
export async function listOperators(db: Kysely<Database>): Promise<OperatorRecord[]> {
  const rows = await db
    .selectFrom('admins')
    .leftJoin('totp_factors', (j) => j.onRef('totp_factors.account_id', '=', 'admins.id').on('totp_factors.confirmed_at', 'is not', null))
    .select(['admins.id', 'admins.email', 'admins.created_at', 'totp_factors.account_id as totp'])
    .orderBy('admins.created_at')
    .orderBy('admins.id')
    .execute();
  return rows.map((r) => ({ id: r.id, email: r.email, createdAt: Number(r.created_at), totp: r.totp !== null }));
}

/** The operator with this normalized email, or undefined. */
export async function findOperatorByEmail(db: Kysely<Database>, email: string): Promise<{ id: string; email: string } | undefined> {
  return db.selectFrom('admins').select(['id', 'email']).where('email', '=', email).executeTakeFirst();
}

/** The operator with this id (and its password hash), or undefined. */
export async function findOperatorById(db: Kysely<Database>, id: string): Promise<{ id: string; email: string; passwordHash: string } | undefined> {
  const row = await db.selectFrom('admins').select(['id', 'email', 'password_hash']).where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, email: row.email, passwordHash: row.password_hash };
}

/** Number of operators. */
export async function countOperators(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('admins').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Replaces an operator's password hash and ends its sessions except `keepSessionHash`. */
export async function setOperatorPasswordHash(db: Kysely<Database>, id: string, passwordHash: string, keepSessionHash?: string): Promise<boolean> {
  const result = await db.updateTable('admins').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst();
  let sessions = db.deleteFrom('sessions').where('admin_id', '=', id);
  if (keepSessionHash) sessions = sessions.where('id_hash', '!=', keepSessionHash);
  await sessions.execute();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes an operator with its sessions and second factors; false when there was none. */
export async function deleteOperator(db: Kysely<Database>, id: string): Promise<boolean> {
  await db.deleteFrom('sessions').where('admin_id', '=', id).execute();
  await db.deleteFrom('totp_factors').where('account_id', '=', id).execute();
  await db.deleteFrom('recovery_codes').where('account_id', '=', id).execute();
  const result = await db.deleteFrom('admins').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
