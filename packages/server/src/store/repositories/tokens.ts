/**
 * Token rows: `issued_tokens` (every minted `jti`, its revocation) and `token_reuse` (the sealed
 * reusable token per reuse key, shared by every node).
 * @packageDocumentation
 */
import { sql, type RawBuilder } from 'kysely';
import type { IssuedTokenTable, TokenReuseTable } from '../schema.js';
import type { Dialect, Queryable } from './queryable.js';

/** What revocation and introspection need of an issued token. Times in seconds. */
export interface IssuedTokenState {
  integration_id: string;
  revoked_at: number | null;
  expires_at: number;
  /** The subject token's `jti` of an exchanged token (RFC 8693); null for others. */
  parent_jti: string | null;
  /** Whom an exchanged token is for; null when it was not issued by token exchange. */
  subject_type: 'integration' | 'customer' | null;
}

/** The `issued_tokens` and `token_reuse` tables. */
export class TokenRepository {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  /**
   * Revokes at `now` (seconds) every token derived by exchange (RFC 8693), at any depth, from the
   * tokens `roots` selects (a `SELECT jti FROM issued_tokens …`); the roots themselves are left as
   * they are. Run as its own statement after the roots changed, so on PostgreSQL it sees an
   * exchange that committed while it waited on a root's lock ({@link lockLive}).
   * @returns how many were revoked.
   */
  private async revokeDescendants(roots: RawBuilder<unknown>, now: number): Promise<number> {
    const { rows } = await sql<{ jti: string }>`WITH RECURSIVE chain(jti) AS (
        SELECT t.jti FROM issued_tokens t WHERE t.parent_jti IN (${roots})
        UNION SELECT t.jti FROM issued_tokens t JOIN chain c ON t.parent_jti = c.jti
      )
      SELECT jti FROM chain`.execute(this.db);
    let revoked = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const jtis = rows.slice(i, i + 500).map((r) => r.jti);
      const res = await this.db
        .updateTable('issued_tokens')
        .set({ revoked_at: now })
        .where('jti', 'in', jtis)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      revoked += Number(res.numUpdatedRows);
      await this.db.deleteFrom('token_reuse').where('jti', 'in', jtis).execute();
    }
    return revoked;
  }

  /**
   * Revokes at `now` (seconds) the tokens derived from any token of integration `integrationId`
   * (disabling it ends their chains; its own tokens are refused while it is disabled).
   * @returns how many were revoked.
   */
  revokeDerivedFromIntegration(integrationId: string, now: number): Promise<number> {
    return this.revokeDescendants(sql`SELECT jti FROM issued_tokens WHERE integration_id = ${integrationId}`, now);
  }

  /**
   * Revokes at `now` (seconds) the unrevoked tokens exchanged for customers of environment
   * `environmentId` (for `customerId` only, when given) and every token derived from them: on
   * removing a customer, or rotating or removing the credential that signs customer tokens.
   * @returns how many were revoked.
   */
  async revokeExchangedForCustomers(
    environmentId: string,
    customerId: string | undefined,
    now: number,
  ): Promise<number> {
    let query = this.db
      .updateTable('issued_tokens')
      .set({ revoked_at: now })
      .where('environment_id', '=', environmentId)
      .where('subject_type', '=', 'customer')
      .where('revoked_at', 'is', null);
    if (customerId !== undefined) query = query.where('subject_ref', '=', customerId);
    const res = await query.executeTakeFirst();
    const customer = customerId === undefined ? sql`` : sql` AND subject_ref = ${customerId}`;
    const derived = await this.revokeDescendants(
      sql`SELECT jti FROM issued_tokens WHERE environment_id = ${environmentId} AND subject_type = 'customer'${customer}`,
      now,
    );
    await this.db
      .deleteFrom('token_reuse')
      .where('jti', 'in', (eb) => {
        let q = eb
          .selectFrom('issued_tokens')
          .select('jti')
          .where('environment_id', '=', environmentId)
          .where('subject_type', '=', 'customer');
        if (customerId !== undefined) q = q.where('subject_ref', '=', customerId);
        return q;
      })
      .execute();
    return Number(res.numUpdatedRows) + derived;
  }

  /**
   * True when token `jti` is issued here and not revoked; in a unit of work on PostgreSQL its row
   * stays locked (`FOR SHARE`) until the transaction ends, so a revocation of it waits for an
   * exchange that derives a token from it, and then revokes that token too (SQLite's write
   * transaction already holds the whole store).
   */
  async lockLive(jti: string): Promise<boolean> {
    let query = this.db.selectFrom('issued_tokens').select('revoked_at').where('jti', '=', jti);
    if (this.dialect === 'postgres') query = query.forShare();
    const row = await query.executeTakeFirst();
    return !!row && row.revoked_at === null;
  }

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
      .select(['integration_id', 'revoked_at', 'expires_at', 'parent_jti', 'subject_type'])
      .where('jti', '=', jti)
      .executeTakeFirst();
    return (
      row && {
        integration_id: row.integration_id,
        revoked_at: row.revoked_at === null ? null : Number(row.revoked_at),
        expires_at: Number(row.expires_at),
        parent_jti: row.parent_jti ?? null,
        subject_type: row.subject_type ?? null,
      }
    );
  }

  /**
   * Revokes token `jti` at `now` (seconds) and every token exchanged from it (any depth), and
   * drops them as reusable tokens.
   */
  async revoke(jti: string, now: number): Promise<void> {
    await this.db.updateTable('issued_tokens').set({ revoked_at: now }).where('jti', '=', jti).execute();
    await this.db.deleteFrom('token_reuse').where('jti', '=', jti).execute();
    await this.revokeDescendants(sql`SELECT ${jti}`, now);
  }

  /**
   * Revokes at `now` (seconds) the tokens of integration `integrationId` not yet revoked: with
   * `unexpiredOnly`, those not expired at `now`; with `audiences`, those for one of them (none for
   * an empty list). Every token exchanged from them (any depth, RFC 8693) is revoked too.
   * @returns how many were revoked.
   */
  async revokeOfIntegration(
    integrationId: string,
    now: number,
    opts: { unexpiredOnly: boolean; audiences?: readonly string[] },
  ): Promise<number> {
    // `in ()` is valid SQLite but a syntax error on PostgreSQL.
    if (opts.audiences?.length === 0) return 0;
    let query = this.db
      .updateTable('issued_tokens')
      .set({ revoked_at: now })
      .where('integration_id', '=', integrationId);
    if (opts.audiences) query = query.where('audience', 'in', opts.audiences);
    query = query.where('revoked_at', 'is', null);
    if (opts.unexpiredOnly) query = query.where('expires_at', '>', now);
    const res = await query.executeTakeFirst();
    const audiences = opts.audiences
      ? sql` AND audience IN (${sql.join(opts.audiences.map((a) => sql`${a}`))})`
      : sql``;
    const derived = await this.revokeDescendants(
      sql`SELECT jti FROM issued_tokens WHERE integration_id = ${integrationId}${audiences}`,
      now,
    );
    return Number(res.numUpdatedRows) + derived;
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
