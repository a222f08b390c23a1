/**
 * Authentication by the console's session cookie, with its CSRF check: used by the console
 * routes, the management API and the Environment API alike (auth/caller.ts). The cookie is read
 * from the header where it is needed, so no cookie parser runs on other routes' hot paths.
 * @packageDocumentation
 */
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { Forbidden } from '../errors/domain-errors.js';
import type { AccountPrincipal, ConsolePrincipal } from './principal.js';
import type { LiveSession, SessionLookup } from './deps.js';
import { requireSecondFactor } from './second-factor.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'gatehouse_session';
/** Header that must carry the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The session cookie's value in a request, if any. Outside the console context (where
 * `@fastify/cookie` parsed it already) the header is parsed here with the plugin's codec.
 */
export function sessionCookie(request: FastifyRequest): string | undefined {
  if (request.cookies) return request.cookies[SESSION_COOKIE] || undefined;
  const header = request.headers.cookie;
  if (!header) return undefined;
  return fastifyCookie.parse(header)[SESSION_COOKIE] || undefined;
}

/**
 * Authenticates a request by its session cookie: the one session hook of every session-authenticated
 * route (the Environment API and management API through auth/caller.ts, the console's profile,
 * session and invitation routes). State-changing methods (anything but GET, HEAD, OPTIONS) must
 * carry the session's CSRF token in `x-csrf-token`. Unless the route declares
 * `config.secondFactorPending`, a session lacking the second factor its account requires now is
 * refused (auth/second-factor.ts; docs/security.md K-94).
 * The session found stays on the request (`request.consoleSession`), so routes answer from the
 * session this hook checked instead of reading it again.
 * @returns the console principal of an operator, or a member account (acting only through its
 *   memberships: auth/membership.ts), or undefined when there is no live session.
 * @throws Forbidden `invalid_csrf_token` when the session is live but the CSRF header is missing or wrong;
 *   Forbidden `totp_required` when the second factor is required and missing.
 */
export async function authenticateSession(
  sessions: SessionLookup,
  request: FastifyRequest,
): Promise<ConsolePrincipal | AccountPrincipal | undefined> {
  const value = sessionCookie(request);
  const session = value ? await sessions.find(value) : undefined;
  if (!session) return undefined;
  if (!SAFE_METHODS.has(request.method)) {
    const given = request.headers[CSRF_HEADER];
    if (!session.csrfMatches(typeof given === 'string' ? given : undefined))
      throw new Forbidden(`send the session's CSRF token in the ${CSRF_HEADER} header`, 'invalid_csrf_token');
  }
  // Sessions with a second factor pass at no cost; the others are checked against the account now.
  if (!session.amr.includes('otp') && !request.routeOptions.config?.secondFactorPending)
    requireSecondFactor(session.amr, await session.secondFactorFacts());
  request.consoleSession = session;
  if (!session.operator)
    return { type: 'account', accountId: session.adminId, email: session.email, authMethod: session.authMethod };
  return { type: 'console', adminId: session.adminId, email: session.email, authMethod: session.authMethod };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session {@link authenticateSession} authenticated the request with, if any. */
    consoleSession?: LiveSession;
  }
}
