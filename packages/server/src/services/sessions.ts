/**
 * Console sessions: an opaque random cookie value of which only the SHA-256 is stored, an absolute
 * expiry on the injected clock, and a per-session CSRF token (OWASP ASVS 5.0 §7).
 * @packageDocumentation
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { generateId } from './secrets.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import { authMethodOf, parseAmr, type AuthFactor, type SessionAuthMethod } from '../auth/second-factor.js';

export type { AuthFactor, SessionAuthMethod };

/** How long a session lasts from sign-in, seconds (12 h). */
export const SESSION_LIFETIME = 12 * 3600;

/** A live session. */
export interface Session {
  adminId: string;
  email: string;
  /**
   * True for an operator, false for a member account: read from the account each time the session
   * is loaded ({@link loadSession}); absent on a session just created.
   */
  operator?: boolean;
  csrfToken: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** How the session was opened: `password`, `password+totp` or `sso` (derived from {@link amr}). */
  authMethod: SessionAuthMethod;
  /** The factors the session was opened with (RFC 8176 `amr` values). */
  amr: AuthFactor[];
}

function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * Opens a session for an account and drops the expired ones. Only the sign-in pipeline
 * (services/sign-in.ts) calls it, after every step of sign-in passed.
 * @param amr the factors proved (RFC 8176 values).
 * @returns the cookie value (shown to the browser only; the store keeps its SHA-256) and the session.
 */
export async function createSession(
  ctx: Context,
  admin: { id: string; email: string },
  amr: readonly AuthFactor[],
): Promise<{ value: string; session: Session }> {
  const authMethod = authMethodOf(amr);
  const value = generateId(32);
  const csrfToken = generateId(32);
  const now = nowSeconds(ctx.clock);
  const expiresAt = now + SESSION_LIFETIME;
  await unitOfWork(ctx.store, async (uow) => {
    await uow.sessions.purgeExpired(now, true);
    await uow.sessions.insert({
      id_hash: digest(value),
      admin_id: admin.id,
      csrf_token: csrfToken,
      created_at: now,
      expires_at: expiresAt,
      auth_method: authMethod,
      amr: amr.join(' '),
    });
  });
  return { value, session: { adminId: admin.id, email: admin.email, csrfToken, expiresAt, authMethod, amr: [...amr] } };
}

/** The unexpired session whose cookie value this is, or undefined. */
export async function loadSession(ctx: Context, value: string): Promise<Session | undefined> {
  if (!value || value.length > 200) return undefined;
  const row = await repositories(ctx.store).sessions.byHash(digest(value));
  if (!row || Number(row.expires_at) <= nowSeconds(ctx.clock)) return undefined;
  return {
    adminId: row.admin_id,
    email: row.email,
    operator: Number(row.operator) === 1,
    csrfToken: row.csrf_token,
    expiresAt: Number(row.expires_at),
    authMethod: authMethodOf(parseAmr(row.amr)),
    amr: parseAmr(row.amr),
  };
}

/**
 * Adds a factor proved within a live session (the TOTP code that confirmed enrolment) to the
 * session whose cookie value this is.
 */
export async function addSessionFactor(ctx: Context, value: string, factor: AuthFactor): Promise<void> {
  const session = await loadSession(ctx, value);
  if (!session || session.amr.includes(factor)) return;
  const amr = [...session.amr, factor];
  await unitOfWork(ctx.store, (uow) => uow.sessions.setFactors(digest(value), amr.join(' '), authMethodOf(amr)));
}

/** Ends the session whose cookie value this is (no error when there is none). */
export async function deleteSession(ctx: Context, value: string): Promise<void> {
  await unitOfWork(ctx.store, (uow) => uow.sessions.delete(digest(value)));
}

/** True when `given` equals the session's CSRF token (constant time on equal-length digests). */
export function csrfMatches(session: Session, given: string | undefined): boolean {
  if (!given) return false;
  return timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(session.csrfToken).digest(),
  );
}
