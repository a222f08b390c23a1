/**
 * Console accounts (table `admins`): operators (`operator = 1`, server-wide) and member accounts
 * (`operator = 0`, acting only through their memberships).
 * @packageDocumentation
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** A console account as the policy reads it (never the password hash). */
export interface AccountRecord {
  id: string;
  email: string;
  operator: boolean;
}

/** The account with this id, or undefined. */
export async function findAccount(db: Kysely<Database>, id: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('admins').select(['id', 'email', 'operator']).where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, email: row.email, operator: Number(row.operator) === 1 };
}

/** The account with this (normalized) email, or undefined. */
export async function findAccountByEmail(db: Kysely<Database>, email: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('admins').select(['id', 'email', 'operator']).where('email', '=', email).executeTakeFirst();
  return row && { id: row.id, email: row.email, operator: Number(row.operator) === 1 };
}

/**
 * Inserts a member account (not an operator).
 * @param createdAt seconds since the epoch.
 * @throws the store's unique violation when the email is taken.
 */
export async function insertMemberAccount(db: Kysely<Database>, account: { id: string; email: string; passwordHash: string; createdAt: number }): Promise<void> {
  await db.insertInto('admins').values({ id: account.id, email: account.email, password_hash: account.passwordHash, created_at: account.createdAt, operator: 0 }).execute();
}
