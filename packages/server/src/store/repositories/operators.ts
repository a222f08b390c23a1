/**
 * Operator accounts (the `admins` table): list, look up, delete, change the password hash.
 * @packageDocumentation
 */
import type { Dialect, Queryable } from './queryable.js';

/** An operator row without its password hash. */
export interface OperatorRecord {
  id: string;
  email: string;
  /** Seconds since the epoch. */
  createdAt: number;
  /** True when a confirmed TOTP factor is enrolled. */
  totp: boolean;
}

/**
 * Operator accounts over `admins` (with their `sessions`, `totp_factors`, `recovery_codes`):
 * operators are the rows with `operator = 1` (migration 010); member accounts (`operator = 0`)
 * are found by {@link OperatorRepository.accountByEmail} and {@link OperatorRepository.byId}
 * (sign-in and one's own password) but never listed, counted or deleted here.
 */
export class OperatorRepository {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Number of operators, their rows locked until the caller's transaction ends (PostgreSQL; SQLite's
   * write transaction already holds the whole store), so two commands that each keep one operator
   * can't both count two. Only in a unit of work.
   */
  async countForUpdate(): Promise<number> {
    if (this.dialect === 'sqlite') return this.count();
    const rows = await this.db.selectFrom('admins').select('id').where('operator', '=', 1).forUpdate().execute();
    return rows.length;
  }

  /**
   * The password hash of account `id`, its row locked until the caller's transaction ends
   * (PostgreSQL), to confirm that the hash a password was checked against is still the current one.
   * Only in a unit of work. @returns undefined when there is no such account.
   */
  async passwordHashForUpdate(id: string): Promise<string | undefined> {
    let query = this.db.selectFrom('admins').select('password_hash').where('id', '=', id);
    if (this.dialect === 'postgres') query = query.forUpdate();
    return (await query.executeTakeFirst())?.password_hash;
  }

  /** Every operator, oldest first, with whether TOTP is enrolled. */
  async list(): Promise<OperatorRecord[]> {
    const rows = await this.db
      .selectFrom('admins')
      .leftJoin('totp_factors', (j) =>
        j.onRef('totp_factors.account_id', '=', 'admins.id').on('totp_factors.confirmed_at', 'is not', null),
      )
      .select(['admins.id', 'admins.email', 'admins.created_at', 'totp_factors.account_id as totp'])
      .where('admins.operator', '=', 1)
      .orderBy('admins.created_at')
      .orderBy('admins.id')
      .execute();
    return rows.map((r) => ({ id: r.id, email: r.email, createdAt: Number(r.created_at), totp: r.totp !== null }));
  }

  /** The console account (operator or member) with this normalized email, or undefined. */
  accountByEmail(email: string): Promise<{ id: string; email: string; operator: number } | undefined> {
    return this.db
      .selectFrom('admins')
      .select(['id', 'email', 'operator'])
      .where('email', '=', email)
      .executeTakeFirst();
  }

  /**
   * The console account (operator or member) with this id (and its password hash), or undefined.
   * `passwordSet` is false for an account provisioned by single sign-on (nobody knows its password).
   */
  async byId(
    id: string,
  ): Promise<{ id: string; email: string; passwordHash: string; operator: boolean; passwordSet: boolean } | undefined> {
    const row = await this.db
      .selectFrom('admins')
      .select(['id', 'email', 'password_hash', 'operator', 'password_set'])
      .where('id', '=', id)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        email: row.email,
        passwordHash: row.password_hash,
        operator: Number(row.operator) === 1,
        passwordSet: Number(row.password_set) === 1,
      }
    );
  }

  /** Number of operators. */
  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('admins')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('operator', '=', 1)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Replaces an operator's password hash and ends its sessions except `keepSessionHash`. @returns false when there is none. */
  async setPasswordHash(id: string, passwordHash: string, keepSessionHash?: string): Promise<boolean> {
    const result = await this.db
      .updateTable('admins')
      .set({ password_hash: passwordHash })
      .where('id', '=', id)
      .executeTakeFirst();
    let sessions = this.db.deleteFrom('sessions').where('admin_id', '=', id);
    if (keepSessionHash) sessions = sessions.where('id_hash', '!=', keepSessionHash);
    await sessions.execute();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Deletes an operator with its sessions and second factors; false when there was none (or it is a member account). */
  async delete(id: string): Promise<boolean> {
    const found = await this.db
      .selectFrom('admins')
      .select('id')
      .where('id', '=', id)
      .where('operator', '=', 1)
      .executeTakeFirst();
    if (!found) return false;
    await this.db.deleteFrom('sessions').where('admin_id', '=', id).execute();
    await this.db.deleteFrom('totp_factors').where('account_id', '=', id).execute();
    await this.db.deleteFrom('recovery_codes').where('account_id', '=', id).execute();
    await this.db.deleteFrom('sso_identities').where('account_id', '=', id).execute();
    const result = await this.db.deleteFrom('admins').where('id', '=', id).where('operator', '=', 1).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
