/**
 * The one sign-in pipeline (docs/product.md "One sign-in pipeline", docs/security.md K-95): every
 * way of becoming signed in — password, single sign-on, accepting an invitation as an existing
 * account, the TOTP or recovery-code step — ends in {@link SignInPipeline.open}, the only caller of
 * `createSession`, after the same steps:
 * 1. the method is allowed (`GATEHOUSE_PASSWORD_SIGNIN=off` refuses every password pathway);
 * 2. the account's sign-in windows (email from this address, the address, the email from
 *    anywhere) are reserved BEFORE Argon2 (or, for SSO, before the session: a full window is 429
 *    whatever the method), and given back when the factor is right;
 * 3. the SSO rules (allowed domains, (`iss`, `sub`) links: services/sso-accounts.ts);
 * 4. the second factor when the account has one: the first step answers a sealed challenge
 *    (services/sign-in-challenge.ts) and the code step ({@link SignInPipeline.secondStep},
 *    throttled by {@link SignInPipeline.checkCode}) opens the session.
 * An account that must have a second factor (server or any of its environments) but has none gets
 * a session that reaches only the enrolment routes until it enrols (auth/second-factor.ts).
 * A session records its factors as RFC 8176 `amr` values.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { Forbidden, InvalidInput, NotFound, Unauthenticated } from '../errors/domain-errors.js';
import { TooManyRequests } from '../errors/oauth-error.js';
import { SIGN_IN_THROTTLE, type ThrottlePolicy, type Throttle } from '../throttle/throttle.js';
import { VerificationGate } from '../throttle/verification-gate.js';
import type { AuthFactor } from '../auth/second-factor.js';
import { repositories } from '../store/unit-of-work.js';
import { normalizeEmail, passwordMatches, verifyAdminPassword } from './admins.js';
import { recordAudit } from './audit.js';
import { acceptInvitationAs } from './invitations.js';
import { createSession, type Session } from './sessions.js';
import { issueChallenge, openChallenge } from './sign-in-challenge.js';
import { hasTotp, verifySecondFactor } from './totp.js';

/** Password verifications (Argon2, 19 MiB each) running at once in this process. */
export const SIGN_IN_VERIFICATIONS = 4;
/** Sign-ins waiting for a verification slot (about a second of Argon2 work); beyond it the answer is 429. */
const SIGN_IN_QUEUE = 64;

/**
 * Code checks of one account (the TOTP or recovery-code sign-in step, confirming enrolment,
 * regenerating recovery codes, turning TOTP off: one set of windows for all of them, RFC 6238 §5.2):
 * 5 per account and address, 30 per address, 10 per account in 15 minutes. Reserved before the
 * check, so once a window is full even the right code is 429 until it ends.
 */
export const TOTP_THROTTLE: ThrottlePolicy = {
  name: 'totp',
  perSubjectAddress: 5,
  perAddress: 30,
  perSubject: 10,
  windowMs: 15 * 60_000,
};

/** What the pipeline needs of the running server. */
export interface SignInDeps {
  readonly ctx: Context;
  readonly throttle: Throttle;
  /** Audits taken off the response path (failed attempts). */
  readonly audits: { push(job: () => Promise<unknown>): unknown };
}

/** An account signing in. */
export interface SignInAccount {
  id: string;
  email: string;
}

/** What a sign-in step answers: a session, or the second step to take. */
export type SignInOutcome =
  | { kind: 'session'; value: string; session: Session; account: SignInAccount }
  | { kind: 'second_factor'; challenge: string; account: SignInAccount };

/** What a completed sign-in also does: accept an invitation as the account (before the session opens). */
export interface SignInPurpose {
  invitationId?: string;
}

/** The sign-in pipeline of one process (one Argon2 gate shared by every password pathway). */
export class SignInPipeline {
  private readonly gate = new VerificationGate(SIGN_IN_VERIFICATIONS, 1, SIGN_IN_QUEUE);

  constructor(private readonly deps: SignInDeps) {}

  /**
   * Password sign-in (also an invitation accepted by an existing account's password).
   * @throws Forbidden `password_sign_in_disabled`; TooManyRequests (429) when a window is full or
   *   the verification queue is; Unauthenticated `invalid_credentials` (wrong email or password).
   */
  async password(email: string, password: string, ip: string, purpose: SignInPurpose = {}): Promise<SignInOutcome> {
    if (!this.deps.ctx.config.passwordSignIn)
      throw new Forbidden('password sign-in is off; sign in with single sign-on', 'password_sign_in_disabled');
    const account = await this.verifyPassword(normalizeEmail(email), ip, 'admin.sign_in', (normalized) =>
      verifyAdminPassword(this.deps.ctx, normalized, password),
    );
    return this.afterFirstFactor(account, ['pwd'], ip, purpose);
  }

  /**
   * Single sign-on of an account the provider's identity resolved to (services/sso-accounts.ts).
   * The account's sign-in windows are consulted like a password's (a full window is 429).
   * @throws TooManyRequests (429).
   */
  async sso(account: SignInAccount, ip: string): Promise<SignInOutcome> {
    const windows = this.deps.throttle.windows(SIGN_IN_THROTTLE, normalizeEmail(account.email), ip);
    await this.deps.throttle.reserve(windows);
    await this.deps.throttle.refund(windows);
    return this.afterFirstFactor(account, ['sso'], ip, {});
  }

  /**
   * The second step: a challenge of the first step and a TOTP or recovery code, checked under the
   * account's code windows ({@link checkCode}); opens the session (and completes what the sign-in
   * was for).
   * @throws Unauthenticated `invalid_challenge` / `invalid_code`; TooManyRequests (429).
   */
  async secondStep(challenge: string, code: string, ip: string): Promise<SignInOutcome> {
    const { ctx } = this.deps;
    const state = openChallenge(ctx, challenge);
    if (!state) throw new Unauthenticated('the sign-in expired; sign in again', 'invalid_challenge');
    const account = await repositories(ctx.store).accounts.byId(state.accountId);
    const accepted = await this.checkCode(state.accountId, ip, async () =>
      account ? verifySecondFactor(ctx, state.accountId, code) : undefined,
    );
    if (!account || !accepted) {
      this.auditLater(`admin:${account?.email ?? state.accountId}`, ip, 'admin.sign_in_totp', 'failure');
      throw new Unauthenticated('the code is wrong or was used already', 'invalid_code');
    }
    return this.open(
      { id: account.id, email: account.email },
      [...state.amr, 'otp'],
      ip,
      { ...(state.invitationId !== undefined && { invitationId: state.invitationId }) },
      accepted === 'recovery_code' ? 'admin.sign_in_recovery_code' : undefined,
    );
  }

  /**
   * Runs a code check of `accountId` under its code windows ({@link TOTP_THROTTLE}): reserved
   * before the check, given back when the check accepts.
   * @param check - answers undefined or false, or throws `invalid_code` (InvalidInput or
   *   Unauthenticated), for a refused code: the attempt counts. Anything else it throws (a
   *   conflict, the store down) is no guess: the attempt is given back.
   * @throws TooManyRequests (429) when a window is full, before any check; what `check` throws.
   */
  async checkCode<T>(accountId: string, ip: string, check: () => Promise<T>): Promise<T> {
    const { throttle } = this.deps;
    const windows = throttle.windows(TOTP_THROTTLE, accountId, ip);
    await throttle.reserve(windows);
    let result: T;
    try {
      result = await check();
    } catch (err) {
      const wrongCode = (err instanceof InvalidInput || err instanceof Unauthenticated) && err.code === 'invalid_code';
      if (!wrongCode) await throttle.refund(windows);
      throw err;
    }
    if (result) await throttle.refund(windows);
    return result;
  }

  /**
   * Re-authentication of a signed-in account by its current password, before a change of its
   * factors (ASVS 5.0 7.5.1), under the same sign-in windows and Argon2 gate as sign-in. An account
   * provisioned by single sign-on (nobody knows its password) is not asked.
   * @throws Forbidden `current_password_required` without it, `invalid_credentials` when wrong;
   *   TooManyRequests (429).
   */
  async confirmPassword(accountId: string, password: string | undefined, ip: string): Promise<void> {
    const row = await repositories(this.deps.ctx.store).operators.byId(accountId);
    if (!row) throw new NotFound('account');
    if (!row.passwordSet) return;
    if (!password)
      throw new Forbidden('give your current password to change your second factor', 'current_password_required');
    const ok = await this.verifyPassword(row.email, ip, 'admin.reauthenticate', async () =>
      (await passwordMatches(row.passwordHash, password)) ? { id: row.id, email: row.email } : undefined,
    ).catch((err: unknown) => {
      if (err instanceof Unauthenticated) return undefined;
      throw err;
    });
    if (!ok) throw new Forbidden('the current password is wrong', 'invalid_credentials');
  }

  /**
   * Opens a session for `account` with the factors `amr`, after every step passed: the ONE place
   * a console session is created. Accepts the invitation the sign-in was for first (no session
   * when that is refused).
   */
  async open(
    account: SignInAccount,
    amr: readonly AuthFactor[],
    ip: string,
    purpose: SignInPurpose = {},
    action?: string,
  ): Promise<SignInOutcome> {
    const { ctx } = this.deps;
    if (purpose.invitationId !== undefined) await acceptInvitationAs(ctx, purpose.invitationId, account);
    const { value, session } = await createSession(ctx, account, amr);
    await recordAudit(
      ctx,
      { actor: `admin:${account.email}`, ip },
      {
        environmentId: null,
        action: action ?? (amr.includes('sso') ? 'admin.sign_in_sso' : 'admin.sign_in'),
        details: { amr: [...amr] },
      },
      ctx.clock.now(),
    );
    return { kind: 'session', value, session, account };
  }

  private async afterFirstFactor(
    account: SignInAccount,
    amr: readonly AuthFactor[],
    ip: string,
    purpose: SignInPurpose,
  ): Promise<SignInOutcome> {
    if (await hasTotp(this.deps.ctx, account.id)) {
      const challenge = issueChallenge(this.deps.ctx, {
        accountId: account.id,
        amr: [...amr],
        ...(purpose.invitationId !== undefined && { invitationId: purpose.invitationId }),
      });
      return { kind: 'second_factor', challenge, account };
    }
    return this.open(account, amr, ip, purpose);
  }

  /**
   * A password check: the email's windows reserved, Argon2 in the gate, windows given back on success.
   * @param action - the audit action of a failure.
   * @throws TooManyRequests (429); Unauthenticated `invalid_credentials` when wrong.
   */
  private async verifyPassword(
    email: string,
    ip: string,
    action: string,
    verify: (email: string) => Promise<SignInAccount | undefined>,
  ): Promise<SignInAccount> {
    const { throttle } = this.deps;
    const windows = throttle.windows(SIGN_IN_THROTTLE, email, ip);
    await throttle.reserve(windows);
    let account: SignInAccount | undefined;
    try {
      const slot = this.gate.enter(email);
      if (!slot) throw new TooManyRequests(1, 'too many sign-ins in progress, retry later');
      const release = await slot;
      try {
        account = await verify(email);
      } finally {
        release();
      }
    } catch (err) {
      // Not verified (queue full, store down): the attempt doesn't count.
      await throttle.refund(windows);
      throw err;
    }
    if (!account) {
      this.auditLater(`admin:${email.slice(0, 320)}`, ip, action, 'failure');
      throw new Unauthenticated('wrong email or password', 'invalid_credentials');
    }
    await throttle.refund(windows);
    return account;
  }

  private auditLater(actor: string, ip: string, action: string, result: 'failure'): void {
    const { ctx } = this.deps;
    const now = ctx.clock.now();
    this.deps.audits.push(() => recordAudit(ctx, { actor, ip }, { environmentId: null, action, result }, now));
  }
}
