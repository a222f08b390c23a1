/**
 * Token rows: `issued_tokens` (every minted `jti`, its revocation) and `token_reuse` (the sealed
 * reusable token per reuse key, shared by every node).
 * @packageDocumentation
 */
import type { IssuedTokenTable, TokenReuseTable } from '../schema.js';
import type { Queryable } from './queryable.js';

/** What revocation and introspection need of an issued token. Times in seconds. */
export interface IssuedTokenState {
  integration_id: string;
  revoked_at: number | null;
  expires_at: number;
}

/** The `issued_tokens` and `token_reuse` tables. */
export class TokenRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Writes `row` as the reusable token of its key unless the key holds one still fresh at `now`
   * (seconds), in one upsert.
   * @returns false when another request or node holds a fresh token for the key (nothing written).
   */
  async putReusable(row: TokenReuseTable, now: number): Promise<boolean> {
    const res = await this.db
      .insertInto('token_reuse')
      .values(row)
      .onConflict((oc) => oc.column('reuse_key').doUpdateSet(row).where('token_reuse.refresh_at', '<=', now))
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** The reusable token row of `reuseKey`, if any. */
  reusable(reuseKey: string): Promise<TokenReuseTable | undefined> {
    return this.db.selectFrom('token_reuse').selectAll().where('reuse_key', '=', reuseKey).executeTakeFirst();
  }

  /** Records a minted token. */
  async insertIssued(row: IssuedTokenTable): Promise<void> {
    await this.db.insertInto('issued_tokens').values(row).execute();
  }

  /** How many tokens integration `integrationId` minted after `since` (seconds), and the oldest mint's time. */
  async mintsSince(integrationId: string, since: number): Promise<{ count: number; oldest: number }> {
    const row = await this.db
      .selectFrom('issued_tokens')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('issued_at').as('oldest')])
      .where('integration_id', '=', integrationId)
      .where('issued_at', '>', since)
      .executeTakeFirstOrThrow();
    return { count: Number(row.n), oldest: Number(row.oldest) };
  }

  /** The `jti`s revoked and not expired at `now` (seconds). */
  async revokedJtis(now: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('issued_tokens')
      .select('jti')
      .where('revoked_at', 'is not', null)
      .where('expires_at', '>', now)
      .execute();
    return rows.map((r) => r.jti);
  }

  /** The issued token `jti`'s owner, revocation and expiry; undefined when it was never issued (or purged). */
  async state(jti: string): Promise<IssuedTokenState | undefined> {
    const row = await this.db
      .selectFrom('issued_tokens')
      .select(['integration_id', 'revoked_at', 'expires_at'])
      .where('jti', '=', jti)
      .executeTakeFirst();
    return (
      row && {
        integration_id: row.integration_id,
        revoked_at: row.revoked_at === null ? null : Number(row.revoked_at),
        expires_at: Number(row.expires_at),
      }
    );
  }

  /** Revokes token `jti` at `now` (seconds) and drops it as a reusable token. */
  async revoke(jti: string, now: number): Promise<void> {
    await this.db.updateTable('issued_tokens').set({ revoked_at: now }).where('jti', '=', jti).execute();
    await this.db.deleteFrom('token_reuse').where('jti', '=', jti).execute();
  }

  /**
   * Revokes at `now` (seconds) the tokens of integration `integrationId` not yet revoked: with
   * `unexpiredOnly`, those not expired at `now`; with `audiences`, those for one of them.
   * @returns how many were revoked.
   */
  async revokeOfIntegration(
    integrationId: string,
    now: number,
    opts: { unexpiredOnly: boolean; audiences?: readonly string[] },
  ): Promise<number> {
    let query = this.db
      .updateTable('issued_tokens')
      .set({ revoked_at: now })
      .where('integration_id', '=', integrationId);
    if (opts.audiences) query = query.where('audience', 'in', opts.audiences);
    query = query.where('revoked_at', 'is', null);
    if (opts.unexpiredOnly) query = query.where('expires_at', '>', now);
    const res = await query.executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Deletes issued-token rows that expired before `before` (seconds); returns how many. */
  async purgeIssued(before: number): Promise<number> {
    const res = await this.db.deleteFrom('issued_tokens').where('expires_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /** Deletes reusable tokens that expired before `before` (seconds); returns how many. */
  async purgeReusable(before: number): Promise<number> {
    const res = await this.db.deleteFrom('token_reuse').where('expires_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
