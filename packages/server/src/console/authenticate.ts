/**
 * The console's signed-in routes (the current session, sign-out, the profile, invitation
 * acceptance): an authenticating context (auth/route-action.ts, docs/security.md K-103). Its one
 * `onRequest` hook authenticates the session cookie with `authenticateSession` (auth/session.ts:
 * the CSRF check on state-changing methods, the second factor unless the route declares
 * `config.secondFactorPending`) and decides the route's declared action; handlers read
 * `request.principal` ({@link signedInAs}). Bearer tokens are never read here: a request without a
 * live session is refused 401, except on a route declaring `config.sessionOptional`, which then
 * runs anonymously (sign-out without a session, invitation acceptance by password).
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import { Unauthenticated } from '../errors/domain-errors.js';
import { authenticateSession } from '../auth/session.js';
import { authorizeRoute, requireRouteActions } from '../auth/route-action.js';
import type { AccountPrincipal, ConsolePrincipal } from '../auth/principal.js';
import type { LiveSession } from '../auth/deps.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The console route also runs without a live session (no principal): with one, the session is
     * authenticated and the action decided like on any signed-in route (console/authenticate.ts).
     */
    sessionOptional?: boolean;
  }
}

/**
 * A signed-in console account: an operator or a member account, with its id under one name, and
 * the session the request's hook authenticated (read once per request).
 */
export type SignedIn = (ConsolePrincipal | AccountPrincipal) & {
  readonly accountId: string;
  readonly session: LiveSession;
};

/**
 * Makes `app` (an encapsulated child of the console context) the console's authenticating context:
 * every route registered in it from now on must declare its action (the build throws otherwise).
 */
export function requireConsoleSession(app: FastifyInstance, rt: Runtime): void {
  requireRouteActions(app, 'session');
  app.addHook('onRequest', async (request) => {
    const principal = await authenticateSession(rt.sessions, request);
    if (!principal) {
      if (request.routeOptions.config.sessionOptional) return;
      throw new Unauthenticated('not signed in');
    }
    authorizeRoute(principal, request);
    request.principal = principal;
  });
}

/**
 * The signed-in account of a request of the console's authenticating context, or undefined on a
 * `sessionOptional` route called without a session.
 */
export function optionalSignedIn(request: FastifyRequest): SignedIn | undefined {
  const { principal: p, consoleSession: session } = request;
  if (!session) return undefined;
  if (p?.type === 'console') return { ...p, accountId: p.adminId, session };
  if (p?.type === 'account') return { ...p, session };
  return undefined;
}

/**
 * The signed-in account of a request of the console's authenticating context.
 * @throws Unauthenticated (401) when the request carries none (a `sessionOptional` route's anonymous call).
 */
export function signedInAs(request: FastifyRequest): SignedIn {
  const p = optionalSignedIn(request);
  if (!p) throw new Unauthenticated('not signed in');
  return p;
}
