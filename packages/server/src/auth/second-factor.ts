/**
 * The second-factor requirement of console sessions, decided in one place (docs/security.md K-94):
 * a session must carry `otp` among its factors when the account has a confirmed TOTP factor, when
 * the server requires TOTP (`GATEHOUSE_REQUIRE_TOTP`) or when ANY environment the account is a
 * member of requires it — read on the account's current state at each request. A session without
 * it reaches only the routes that declare `config.secondFactorPending` (see the profile to know
 * what to do, enrol, sign out); everything else is 403 `totp_required` before any handler runs.
 * @packageDocumentation
 */
import { Forbidden } from '../errors/domain-errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route works for a session that still lacks a required second factor (reading one's own
     * profile, enrolling TOTP, signing out). Every other session-authenticated route refuses it.
     */
    secondFactorPending?: boolean;
  }
}

/**
 * A factor a session was opened with, as an RFC 8176 §2 `amr` value: `pwd` (password), `sso`
 * (single sign-on; not an RFC 8176 value: the provider's own methods are its business), `otp`
 * (a TOTP code, RFC 6238, or a single-use recovery code: both are one-time passwords).
 */
export type AuthFactor = 'pwd' | 'otp' | 'sso';

/** How a session was opened, in the older, coarser words of the API (`auth_method`). */
export type SessionAuthMethod = 'password' | 'password+totp' | 'sso';

const FACTORS: ReadonlySet<string> = new Set<AuthFactor>(['pwd', 'otp', 'sso']);

/** The factors of a stored `amr` column (space-separated); unknown words are dropped. */
export function parseAmr(stored: string): AuthFactor[] {
  return stored.split(' ').filter((f): f is AuthFactor => FACTORS.has(f));
}

/** The `auth_method` the API has answered since round 2, derived from the factors. */
export function authMethodOf(amr: readonly AuthFactor[]): SessionAuthMethod {
  if (amr.includes('sso')) return 'sso';
  return amr.includes('otp') ? 'password+totp' : 'password';
}

/** What the requirement is decided on: the account's state now. */
export interface SecondFactorFacts {
  /** `GATEHOUSE_REQUIRE_TOTP` is on. */
  readonly serverRequires: boolean;
  /** Slugs of the environments the account is a member of that require TOTP. */
  readonly environmentsRequiring: readonly string[];
  /** The account has a confirmed TOTP factor. */
  readonly enrolled: boolean;
}

/** True when a session of these factors lacks the second factor the facts require. */
export function secondFactorMissing(amr: readonly AuthFactor[], facts: SecondFactorFacts): boolean {
  if (amr.includes('otp')) return false;
  return facts.serverRequires || facts.environmentsRequiring.length > 0 || facts.enrolled;
}

/**
 * Refuses a session that lacks the second factor its account requires now.
 * @throws Forbidden `totp_required` (403) naming what to do.
 */
export function requireSecondFactor(amr: readonly AuthFactor[], facts: SecondFactorFacts): void {
  if (!secondFactorMissing(amr, facts)) return;
  throw new Forbidden(
    facts.enrolled
      ? 'this session was opened without your second factor: sign in again with your TOTP code'
      : 'set up a TOTP second factor on your profile page first',
    'totp_required',
  );
}
