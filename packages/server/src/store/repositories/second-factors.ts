/**
 * TOTP factors and recovery codes of console accounts (migration 011), and the environments'
 * `require_totp` setting. Acceptance is a conditional update, so two nodes (or two requests)
 * never both accept the same code.
 * @packageDocumentation
 */
import type { Queryable } from './queryable.js';

/** An account's TOTP factor; the secret is still sealed. */
export interface TotpFactorRecord {
  accountId: string;
  secretEnc: string;
  confirmed: boolean;
  lastStep: number | null;
}

/** The `totp_factors` and `recovery_codes` tables, and `environments.require_totp`. */
export class SecondFactorRepository {
  constructor(private readonly db: Queryable) {}

  /** The TOTP factor of an account (confirmed or pending), or undefined. */
  async totpFactor(accountId: string): Promise<TotpFactorRecord | undefined> {
    const row = await this.db
      .selectFrom('totp_factors')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return (
      row && {
        accountId: row.account_id,
        secretEnc: row.secret_enc,
        confirmed: row.confirmed_at !== null,
        lastStep: row.last_step === null ? null : Number(row.last_step),
      }
    );
  }

  /** Replaces the account's factor with a pending (unconfirmed) one. */
  async savePendingTotp(accountId: string, secretEnc: string, now: number): Promise<void> {
    await this.db.deleteFrom('totp_factors').where('account_id', '=', accountId).execute();
    await this.db
      .insertInto('totp_factors')
      .values({ account_id: accountId, secret_enc: secretEnc, confirmed_at: null, last_step: null, created_at: now })
      .execute();
  }

  /**
   * Records that the code of time step `step` was accepted, only when no code of this step or a
   * later one was; confirms a pending factor. @returns false when the step was already used.
   */
  async acceptTotpStep(accountId: string, step: number, now: number, confirm: boolean): Promise<boolean> {
    let update = this.db
      .updateTable('totp_factors')
      .set(confirm ? { last_step: step, confirmed_at: now } : { last_step: step })
      .where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]));
    update = confirm ? update.where('confirmed_at', 'is', null) : update.where('confirmed_at', 'is not', null);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Removes the account's TOTP factor and recovery codes. */
  async deleteAll(accountId: string): Promise<void> {
    await this.db.deleteFrom('totp_factors').where('account_id', '=', accountId).execute();
    await this.db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
  }

  /** Replaces the account's recovery codes with these digests (run it in a unit of work). */
  async replaceRecoveryCodes(accountId: string, digests: readonly string[], now: number): Promise<void> {
    await this.db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
    if (digests.length)
      await this.db
        .insertInto('recovery_codes')
        .values(digests.map((code_hash) => ({ account_id: accountId, code_hash, used_at: null, created_at: now })))
        .execute();
  }

  /** Marks an unused recovery code used. @returns false when it doesn't exist or was used already. */
  async useRecoveryCode(accountId: string, digest: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: now })
      .where('account_id', '=', accountId)
      .where('code_hash', '=', digest)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Unused recovery codes left. */
  async recoveryCodesLeft(accountId: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('account_id', '=', accountId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Whether the environment with this slug requires its members to have TOTP (false when there is none). */
  async environmentRequiresTotp(slug: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('environments')
      .select('require_totp')
      .where('slug', '=', slug)
      .executeTakeFirst();
    return Number(row?.require_totp ?? 0) === 1;
  }

  /** The slugs of the environments `accountId` is a member of that require TOTP, by slug. */
  async environmentsRequiringTotpOf(accountId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('environments', 'environments.id', 'memberships.environment_id')
      .select('environments.slug')
      .where('memberships.account_id', '=', accountId)
      .where('environments.require_totp', '=', 1)
      .orderBy('environments.slug')
      .execute();
    return rows.map((r) => r.slug);
  }

  /** Sets or clears an environment's TOTP requirement. @returns false when there is no such environment. */
  async setEnvironmentRequiresTotp(slug: string, required: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('environments')
      .set({ require_totp: required ? 1 : 0 })
      .where('slug', '=', slug)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
