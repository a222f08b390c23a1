/**
 * SSO identities linked to console accounts (migration 012): the provider's (`iss`, `sub`) pair,
 * which never changes for one person at one provider, unlike the email it asserts.
 * @packageDocumentation
 */
import type { Queryable } from './queryable.js';

/** The `sso_identities` table. */
export class SsoIdentityRepository {
  constructor(private readonly db: Queryable) {}

  /** The account linked to (`issuer`, `subject`), with its current email, or undefined. */
  async account(issuer: string, subject: string): Promise<{ id: string; email: string } | undefined> {
    return this.db
      .selectFrom('sso_identities')
      .innerJoin('admins', 'admins.id', 'sso_identities.account_id')
      .select(['admins.id', 'admins.email'])
      .where('sso_identities.issuer', '=', issuer)
      .where('sso_identities.subject', '=', subject)
      .executeTakeFirst();
  }

  /** True when the account has an identity of `issuer` linked already. */
  async linkedAt(accountId: string, issuer: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('sso_identities')
      .select('subject')
      .where('account_id', '=', accountId)
      .where('issuer', '=', issuer)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Links (`issuer`, `subject`) to `accountId`.
   * @param createdAt seconds since the epoch.
   * @returns false when the pair is linked already (to any account: the first link stays).
   */
  async link(issuer: string, subject: string, accountId: string, createdAt: number): Promise<boolean> {
    const result = await this.db
      .insertInto('sso_identities')
      .values({ issuer, subject, account_id: accountId, created_at: createdAt })
      .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Removes every identity linked to the account (the account is being deleted). */
  async unlinkAll(accountId: string): Promise<void> {
    await this.db.deleteFrom('sso_identities').where('account_id', '=', accountId).execute();
  }
}
