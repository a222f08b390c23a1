/**
 * `admins` (console administrators, an Argon2id hash each) and `sessions` (their console sessions,
 * keyed by a digest of the cookie value).
 * @packageDocumentation
 */
import type { Insertable } from 'kysely';
import type { AdminTable, SessionTable } from '../schema.js';
import type { Queryable } from './queryable.js';

/** The `admins` table. */
export class AdminRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts an administrator. @throws a unique violation when the email is taken. */
  async insert(row: Insertable<AdminTable>): Promise<void> {
    await this.db.insertInto('admins').values(row).execute();
  }

  /** The administrator with `email` (normalized), if any. */
  byEmail(email: string): Promise<Pick<AdminTable, 'id' | 'email' | 'password_hash'> | undefined> {
    return this.db
      .selectFrom('admins')
      .select(['id', 'email', 'password_hash'])
      .where('email', '=', email)
      .executeTakeFirst();
  }
}

/** A session with its account's email and operator flag. */
export interface SessionRow {
  admin_id: string;
  email: string;
  /** 1 for an operator, 0 for a member account (migration 010). */
  operator: number;
  csrf_token: string;
  /** Seconds. */
  expires_at: number;
  /** How the session was opened: `password`, `password+totp` or `sso`. */
  auth_method: string;
  /** The RFC 8176 factors, separated by spaces (migration 012). */
  amr: string;
}

/** The `sessions` table. */
export class SessionRepository {
  constructor(private readonly db: Queryable) {}

  /** Deletes sessions expired at `now` (seconds): with `inclusive`, also those expiring at `now`. */
  async purgeExpired(now: number, inclusive: boolean): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where('expires_at', inclusive ? '<=' : '<', now)
      .execute();
  }

  /** Inserts a session. */
  async insert(row: Insertable<SessionTable>): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  /** The session whose cookie digest is `idHash`, with its administrator's email. */
  async byHash(idHash: string): Promise<SessionRow | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('admins', 'admins.id', 'sessions.admin_id')
      .select([
        'sessions.admin_id',
        'admins.email',
        'admins.operator',
        'sessions.csrf_token',
        'sessions.expires_at',
        'sessions.auth_method',
        'sessions.amr',
      ])
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    return row && { ...row, operator: Number(row.operator), expires_at: Number(row.expires_at) };
  }

  /** Sets the factors of the session whose cookie digest is `idHash` (a factor proved within the session). */
  async setFactors(idHash: string, amr: string, authMethod: string): Promise<void> {
    await this.db.updateTable('sessions').set({ amr, auth_method: authMethod }).where('id_hash', '=', idHash).execute();
  }

  /** Deletes the session whose cookie digest is `idHash`. */
  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }
}
