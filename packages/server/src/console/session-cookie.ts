/**
 * The console's session cookie as the console routes set and clear it. Reading it is
 * auth/session.ts's (re-exported here); authenticating a request by it is the signed-in context's
 * hook alone (console/authenticate.ts).
 * @packageDocumentation
 */
import type { FastifyReply } from 'fastify';
import type { Config } from '../config/config.js';
import { SESSION_LIFETIME } from '../services/sessions.js';
import { SESSION_COOKIE } from '../auth/session.js';

export { CSRF_HEADER, SESSION_COOKIE, sessionCookie } from '../auth/session.js';

/** The cookie attributes: `HttpOnly; SameSite=Strict; Path=/`, and `Secure` when the issuer is https. */
export function cookieOptions(config: Config, maxAgeSeconds = SESSION_LIFETIME) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure: config.issuer.startsWith('https:'),
    maxAge: maxAgeSeconds,
  };
}

/** Sets the session cookie on a reply (console context: `@fastify/cookie` is registered there). */
export function setSessionCookie(reply: FastifyReply, config: Config, value: string): void {
  reply.setCookie(SESSION_COOKIE, value, cookieOptions(config));
}

/** Clears the session cookie (same attributes, `Max-Age=0`). */
export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.setCookie(SESSION_COOKIE, '', { ...cookieOptions(config, 0), expires: new Date(0) });
}
