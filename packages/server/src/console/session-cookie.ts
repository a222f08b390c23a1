/**
 * The console's session cookie and its CSRF check, shared by the console routes, the management
 * API and the Environment API (which read it through `Runtime.authenticateSession`).
 * @packageDocumentation
 */
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { Context } from '../context.js';
import { ApiError } from '../errors/api-error.js';
import type { ConsolePrincipal } from '../auth/principal.js';
import { csrfMatches, loadSession, SESSION_LIFETIME, type Session } from '../services/sessions.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'gatehouse_session';
/** Header that must carry the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The cookie attributes: `HttpOnly; SameSite=Strict; Path=/`, and `Secure` when the issuer is https. */
export function cookieOptions(config: Config, maxAgeSeconds = SESSION_LIFETIME) {
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: config.issuer.startsWith('https:'), maxAge: maxAgeSeconds };
}

/**
 * The session cookie's value in a request, if any. Outside the console context (where the plugin
 * parsed it already) the header is parsed here, with the codec the plugin loaded when the console
 * context registered it.
 */
export function sessionCookie(request: FastifyRequest): string | undefined {
  if (request.cookies) return request.cookies[SESSION_COOKIE] || undefined;
  const header = request.headers.cookie;
  if (!header) return undefined;
  return fastifyCookie.parse(header)[SESSION_COOKIE] || undefined;
}

/** The unexpired session of a request, without any CSRF check. */
export async function requestSession(ctx: Context, request: FastifyRequest): Promise<Session | undefined> {
  const value = sessionCookie(request);
  return value ? loadSession(ctx, value) : undefined;
}

/**
 * Authenticates a request by its session cookie. State-changing methods (anything but GET, HEAD,
 * OPTIONS) must carry the session's CSRF token in `x-csrf-token`.
 * @returns the console principal, or undefined when there is no live session.
 * @throws ApiError 403 `invalid_csrf_token` when the session is live but the CSRF header is missing or wrong.
 */
export async function authenticateSession(ctx: Context, request: FastifyRequest): Promise<ConsolePrincipal | undefined> {
  const session = await requestSession(ctx, request);
  if (!session) return undefined;
  if (!SAFE_METHODS.has(request.method)) {
    const given = request.headers[CSRF_HEADER];
    if (!csrfMatches(session, typeof given === 'string' ? given : undefined)) throw new ApiError(403, 'invalid_csrf_token', `send the session's CSRF token in the ${CSRF_HEADER} header`);
  }
  return { type: 'console', adminId: session.adminId, email: session.email, authMethod: session.authMethod };
}

/** Sets the session cookie on a reply (console context: `@fastify/cookie` is registered there). */
export function setSessionCookie(reply: FastifyReply, config: Config, value: string): void {
  reply.setCookie(SESSION_COOKIE, value, cookieOptions(config));
}

/** Clears the session cookie (same attributes, `Max-Age=0`). */
export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.setCookie(SESSION_COOKIE, '', { ...cookieOptions(config, 0), expires: new Date(0) });
}
