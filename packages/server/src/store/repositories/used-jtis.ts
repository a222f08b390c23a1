/**
 * `used_jtis`: one row per JWT `jti` used once (client assertions, DPoP proofs), by digest.
 * @packageDocumentation
 */
import type { Queryable } from './queryable.js';

/** The `used_jtis` table. */
export class UsedJtiRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Records the use of `digest` until `expiresAt` (seconds), taking over a row expired at `now`.
   * @returns true the first time, false when a live row exists (a replay).
   */
  async useOnce(digest: string, expiresAt: number, now: number): Promise<boolean> {
    const res = await this.db
      .insertInto('used_jtis')
      .values({ digest, expires_at: expiresAt })
      .onConflict((oc) =>
        oc.column('digest').doUpdateSet({ expires_at: expiresAt }).where('used_jtis.expires_at', '<', now),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Deletes rows expired before `now` (seconds). */
  async purge(now: number): Promise<void> {
    await this.db.deleteFrom('used_jtis').where('expires_at', '<', now).execute();
  }
}
