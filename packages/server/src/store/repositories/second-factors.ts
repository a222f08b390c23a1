/**
 * TOTP factors and recovery codes of console accounts (migration 011). Acceptance is a
 * conditional update, so two nodes (or two requests) never both accept the same code.
 * @packageDocumentation
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** An account's TOTP factor; the secret is still sealed. */
export interface TotpFactorRecord {
  accountId: string;
  secretEnc: string;
  confirmed: boolean;
  lastStep: number | null;
}

/** The TOTP factor of an account (confirmed or pending), or undefined. */
export async function findTotpFactor(db: Kysely<Database>, accountId: string): Promise<TotpFactorRecord | undefined> {
  const row = await db.selectFrom('totp_factors').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row && { accountId: row.account_id, secretEnc: row.secret_enc, confirmed: row.confirmed_at !== null, lastStep: row.last_step === null ? null : Number(row.last_step) };
}

/** Replaces the account's factor with a pending (unconfirmed) one. */
export async function savePendingTotp(db: Kysely<Database>, accountId: string, secretEnc: string, now: number): Promise<void> {
  await db.deleteFrom('totp_factors').where('account_id', '=', accountId).execute();
  await db.insertInto('totp_factors').values({ account_id: accountId, secret_enc: secretEnc, confirmed_at: null, last_step: null, created_at: now }).execute();
}

/**
 * Records that the code of time step `step` was accepted, only when no code of this step or a
 * later one was; confirms a pending factor. @returns false when the step was already used.
 */
export async function acceptTotpStep(db: Kysely<Database>, accountId: string, step: number, now: number, confirm: boolean): Promise<boolean> {
  let update = db
    .updateTable('totp_factors')
    .set(confirm ? { last_step: step, confirmed_at: now } : { last_step: step })
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]));
  update = confirm ? update.where('confirmed_at', 'is', null) : update.where('confirmed_at', 'is not', null);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes the account's TOTP factor and recovery codes. */
export async function deleteSecondFactors(db: Kysely<Database>, accountId: string): Promise<void> {
  await db.deleteFrom('totp_factors').where('account_id', '=', accountId).execute();
  await db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
}

/** Replaces the account's recovery codes with these digests. */
export async function replaceRecoveryCodes(db: Kysely<Database>, accountId: string, digests: readonly string[], now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
    if (digests.length) await trx.insertInto('recovery_codes').values(digests.map((code_hash) => ({ account_id: accountId, code_hash, used_at: null, created_at: now }))).execute();
  });
}

/** Marks an unused recovery code used. @returns false when it doesn't exist or was used already. */
export async function useRecoveryCode(db: Kysely<Database>, accountId: string, digest: string, now: number): Promise<boolean> {
  const result = await db.updateTable('recovery_codes').set({ used_at: now }).where('account_id', '=', accountId).where('code_hash', '=', digest).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Unused recovery codes left. */
export async function countRecoveryCodes(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<string | number>().as('n')).where('account_id', '=', accountId).where('used_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether the environment with this slug requires its members to have TOTP (false when there is none). */
export async function environmentRequiresTotp(db: Kysely<Database>, slug: string): Promise<boolean> {
  const row = await db.selectFrom('environments').select('require_totp').where('slug', '=', slug).executeTakeFirst();
  return Number(row?.require_totp ?? 0) === 1;
}

/** Sets or clears an environment's TOTP requirement. @returns false when there is no such environment. */
export async function setEnvironmentRequiresTotp(db: Kysely<Database>, slug: string, required: boolean): Promise<boolean> {
  const result = await db.updateTable('environments').set({ require_totp: required ? 1 : 0 }).where('slug', '=', slug).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
