/**
 * How the routes of an encapsulated context authenticate, declared once on the context and read
 * by whoever needs it per route (the OpenAPI document's `security`: openapi/security.ts).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';

/**
 * Who a context's routes authenticate: `client` (the OAuth endpoints: client authentication, RFC
 * 6749 §2.3), `caller` (Environment and management APIs: a bearer or DPoP token, or a console
 * session: auth/caller.ts), `session` (the console's signed-in routes: the session only), `none`
 * (public).
 */
export type Authentication = 'client' | 'caller' | 'session' | 'none';

const AUTHENTICATION = Symbol('gatehouse.authentication');

/** Declares how the routes of `context` (and of its children) authenticate. */
export function declareAuthentication(context: FastifyInstance, kind: Authentication): void {
  (context as unknown as Record<symbol, Authentication>)[AUTHENTICATION] = kind;
}

/** How the routes of `context` authenticate (read through the prototype chain; `none` when undeclared). */
export function authenticationOf(context: FastifyInstance): Authentication {
  return (context as unknown as Record<symbol, Authentication | undefined>)[AUTHENTICATION] ?? 'none';
}
