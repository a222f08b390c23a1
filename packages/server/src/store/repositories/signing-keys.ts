/**
 * `signing_keys`: Gatehouse's own ES256 keys (private halves sealed), one `active` at a time.
 * @packageDocumentation
 */
import type { SigningKeyTable } from '../schema.js';
import type { Queryable } from './queryable.js';

/** The `signing_keys` table. */
export class SigningKeyRepository {
  constructor(private readonly db: Queryable) {}

  /** The active key's kid, if any. */
  async activeKid(): Promise<string | undefined> {
    const row = await this.db.selectFrom('signing_keys').select('kid').where('state', '=', 'active').executeTakeFirst();
    return row?.kid;
  }

  /** Inserts a key. @throws a unique violation for a second `active` key (F-64). */
  async insert(row: SigningKeyTable): Promise<void> {
    await this.db.insertInto('signing_keys').values(row).execute();
  }

  /** Every key not expired at `now` (seconds), newest first. */
  published(now: number): Promise<SigningKeyTable[]> {
    return this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** The kid of the newest `next` key due at `now` (seconds), if any. */
  async dueNextKid(now: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('signing_keys')
      .select('kid')
      .where('state', '=', 'next')
      .where('activates_at', '<=', now)
      .orderBy('activates_at', 'desc')
      .executeTakeFirst();
    return row?.kid;
  }

  /**
   * Makes `next` key `kid` the active one: the active keys other than `kid` become `retiring` at
   * `now`, published until `expiresAt` (seconds). Only keys other than `kid` are retired, so of two
   * processes promoting the same key the second finds nothing to do.
   * @returns false when `kid` was no longer `next` (another process promoted it).
   */
  async promote(kid: string, now: number, expiresAt: number): Promise<boolean> {
    await this.db
      .updateTable('signing_keys')
      .set({ state: 'retiring', retired_at: now, expires_at: expiresAt })
      .where('state', '=', 'active')
      .where('kid', '!=', kid)
      .execute();
    const promoted = await this.db
      .updateTable('signing_keys')
      .set({ state: 'active' })
      .where('kid', '=', kid)
      .where('state', '=', 'next')
      .executeTakeFirst();
    return Number(promoted.numUpdatedRows) > 0;
  }

  /** Deletes the `next` key, if any (a rotation replaces it). */
  async deleteNext(): Promise<void> {
    await this.db.deleteFrom('signing_keys').where('state', '=', 'next').execute();
  }
}
