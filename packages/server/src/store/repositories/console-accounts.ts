/**
 * Console accounts (table `admins`): operators (`operator = 1`, server-wide) and member accounts
 * (`operator = 0`, acting only through their memberships).
 * @packageDocumentation
 */
import type { Queryable } from './queryable.js';

/** A console account as the policy reads it (never the password hash). */
export interface AccountRecord {
  id: string;
  email: string;
  operator: boolean;
}

/** The `admins` table seen as console accounts. */
export class ConsoleAccountRepository {
  constructor(private readonly db: Queryable) {}

  /** The account with this id, or undefined. */
  async byId(id: string): Promise<AccountRecord | undefined> {
    const row = await this.db
      .selectFrom('admins')
      .select(['id', 'email', 'operator'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { id: row.id, email: row.email, operator: Number(row.operator) === 1 };
  }

  /** The account with this (normalized) email, or undefined. */
  async byEmail(email: string): Promise<AccountRecord | undefined> {
    const row = await this.db
      .selectFrom('admins')
      .select(['id', 'email', 'operator'])
      .where('email', '=', email)
      .executeTakeFirst();
    return row && { id: row.id, email: row.email, operator: Number(row.operator) === 1 };
  }

  /**
   * Inserts a member account (not an operator).
   * @param createdAt seconds since the epoch.
   * @param passwordSet false for an account provisioned by single sign-on (nobody knows its password).
   * @throws the store's unique violation when the email is taken.
   */
  async insertMember(account: {
    id: string;
    email: string;
    passwordHash: string;
    createdAt: number;
    passwordSet?: boolean;
  }): Promise<void> {
    await this.db
      .insertInto('admins')
      .values({
        id: account.id,
        email: account.email,
        password_hash: account.passwordHash,
        created_at: account.createdAt,
        operator: 0,
        password_set: account.passwordSet === false ? 0 : 1,
      })
      .execute();
  }
}
