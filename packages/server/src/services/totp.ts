/**
 * TOTP second factor for password sign-in (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps, one step
 * of drift either way) and single-use recovery codes. The secret is sealed with the master key;
 * recovery codes are kept as SHA-256 digests only. A code is accepted once: the step it belongs
 * to is recorded, and a code of that step or an earlier one is refused afterwards.
 * @packageDocumentation
 */
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput } from '../errors/domain-errors.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import { environmentsRequiringTotp } from './second-factor-requirement.js';

/** Recovery codes issued at enrolment (each single use). */
export const RECOVERY_CODES = 10;
/** Longest code accepted (a recovery code with separators), characters. */
export const MAX_CODE_LENGTH = 32;
const ISSUER = 'Gatehouse';
const PERIOD = 30;

function totpOf(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

function aad(accountId: string): string {
  return `totp:${accountId}`;
}

function recoveryDigest(code: string): string {
  return createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('base64url');
}

/** A new recovery code: 12 base32 characters in three groups (60 bits), e.g. `k3jd-9x2m-q7va`. */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => alphabet[b & 31]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/** What enrolment shows once: the secret (base32) and the `otpauth://` URI for the QR code. */
export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
}

/**
 * Starts (or restarts) enrolment: a new secret, pending until {@link confirmTotp}. A confirmed
 * factor must be disabled first.
 * @throws Conflict (409) when TOTP is already enabled.
 */
export async function beginTotp(ctx: Context, account: { id: string; email: string }): Promise<TotpEnrolment> {
  const secret = new Secret({ size: 20 }).base32;
  await unitOfWork(ctx.store, async (uow) => {
    const existing = await uow.secondFactors.totpFactor(account.id);
    if (existing?.confirmed) throw new Conflict('TOTP is already enabled; disable it first');
    await uow.secondFactors.savePendingTotp(
      account.id,
      ctx.sealer.seal(secret, aad(account.id)),
      nowSeconds(ctx.clock),
    );
  });
  return { secret, otpauth_uri: totpOf(secret, account.email).toString() };
}

/** The RFC 6238 step a 6-digit `code` belongs to (now ± 1 step), or undefined. */
function matchingStep(ctx: Context, secretEnc: string, accountId: string, code: string): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const totp = totpOf(ctx.sealer.open(secretEnc, aad(accountId)), 'x');
  const timestamp = ctx.clock.now();
  const delta = totp.validate({ token: code, timestamp, window: 1 });
  return delta === null ? undefined : totp.counter({ timestamp }) + delta;
}

/**
 * Confirms a pending enrolment with a current code and issues the recovery codes (shown once).
 * @throws InvalidInput `invalid_code` (400) for a wrong or reused code; Conflict (409) without a pending enrolment.
 */
export async function confirmTotp(
  ctx: Context,
  accountId: string,
  code: string,
): Promise<{ recovery_codes: string[] }> {
  const factor = await repositories(ctx.store).secondFactors.totpFactor(accountId);
  if (!factor || factor.confirmed) throw new Conflict('start enrolment first');
  const step = matchingStep(ctx, factor.secretEnc, accountId, code.trim());
  const now = nowSeconds(ctx.clock);
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  await unitOfWork(ctx.store, async (uow) => {
    if (step === undefined || !(await uow.secondFactors.acceptTotpStep(accountId, step, now, true)))
      throw new InvalidInput('the code is wrong or was used already', 'invalid_code');
    await uow.secondFactors.replaceRecoveryCodes(accountId, codes.map(recoveryDigest), now);
  });
  return { recovery_codes: codes };
}

async function issueRecoveryCodes(ctx: Context, accountId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  await unitOfWork(ctx.store, (uow) =>
    uow.secondFactors.replaceRecoveryCodes(accountId, codes.map(recoveryDigest), nowSeconds(ctx.clock)),
  );
  return codes;
}

/** True when the account has a confirmed TOTP factor. */
export async function hasTotp(ctx: Context, accountId: string): Promise<boolean> {
  return (await repositories(ctx.store).secondFactors.totpFactor(accountId))?.confirmed ?? false;
}

/**
 * Checks a second-factor code: a current 6-digit TOTP code never accepted before, or an unused
 * recovery code (which is then used up).
 * @returns `totp` or `recovery_code` when accepted, undefined when not.
 */
export async function verifySecondFactor(
  ctx: Context,
  accountId: string,
  code: string,
): Promise<'totp' | 'recovery_code' | undefined> {
  const given = code.trim();
  if (!given || given.length > MAX_CODE_LENGTH) return undefined;
  const factor = await repositories(ctx.store).secondFactors.totpFactor(accountId);
  if (!factor?.confirmed) return undefined;
  const now = nowSeconds(ctx.clock);
  if (/^\d{6}$/.test(given)) {
    const step = matchingStep(ctx, factor.secretEnc, accountId, given);
    return step !== undefined &&
      (await unitOfWork(ctx.store, (uow) => uow.secondFactors.acceptTotpStep(accountId, step, now, false)))
      ? 'totp'
      : undefined;
  }
  return (await unitOfWork(ctx.store, (uow) =>
    uow.secondFactors.useRecoveryCode(accountId, recoveryDigest(given), now),
  ))
    ? 'recovery_code'
    : undefined;
}

/** The account's TOTP state for the profile page. */
export async function totpStatus(
  ctx: Context,
  accountId: string,
): Promise<{ enabled: boolean; recovery_codes_left: number }> {
  const enabled = await hasTotp(ctx, accountId);
  return {
    enabled,
    recovery_codes_left: enabled ? await repositories(ctx.store).secondFactors.recoveryCodesLeft(accountId) : 0,
  };
}

/**
 * Disables TOTP after a valid code (TOTP or recovery), audited as `admin.totp_disable` in the same
 * unit of work. Refused while TOTP is required of the account: server-wide, or by an environment
 * it is a member of (it would lock itself out of that environment).
 * @throws Conflict (409) while TOTP is required of the account; InvalidInput `invalid_code` (400)
 * when the code is not accepted.
 */
export async function disableTotp(ctx: Context, actor: Actor, accountId: string, code: string): Promise<void> {
  if (ctx.config.requireTotp) throw new Conflict('TOTP is required on this server');
  const requiring = await environmentsRequiringTotp(ctx, accountId);
  if (requiring.length > 0)
    throw new Conflict(
      `TOTP is required of the members of ${requiring.length === 1 ? 'environment' : 'environments'} ${requiring.join(', ')}`,
    );
  if (!(await verifySecondFactor(ctx, accountId, code)))
    throw new InvalidInput('the code is wrong or was used already', 'invalid_code');
  await unitOfWork(ctx.store, async (uow) => {
    await uow.secondFactors.deleteAll(accountId);
    await uow.audit(actor, { environmentId: null, action: 'admin.totp_disable' }, ctx.clock.now());
  });
}

/**
 * New recovery codes (the old ones stop working) after a valid code.
 * @throws InvalidInput `invalid_code` (400) when the code is not accepted.
 */
export async function regenerateRecoveryCodes(
  ctx: Context,
  accountId: string,
  code: string,
): Promise<{ recovery_codes: string[] }> {
  if (!(await verifySecondFactor(ctx, accountId, code)))
    throw new InvalidInput('the code is wrong or was used already', 'invalid_code');
  return { recovery_codes: await issueRecoveryCodes(ctx, accountId) };
}
