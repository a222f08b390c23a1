/**
 * Who may call the management API: a console session (CSRF-checked on state-changing methods) or
 * an integration's bearer token for its own environment; what each may do is the decision of the
 * route's declared action (auth/decide.ts). Runs in `onRequest`, before the body is parsed.
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../context.js';
import type { Runtime } from '../runtime.js';
import { Unauthenticated } from '../errors/domain-errors.js';
import { authenticateCaller } from '../auth/caller.js';
import { resolveMember } from '../auth/membership.js';
import { authorizeRoute } from '../auth/route-action.js';
import { actorOf, type Principal } from '../auth/principal.js';

/**
 * Authenticates a management request and decides the route's declared action.
 * @throws MissingBearer/InvalidToken (401) without valid credentials; Forbidden `invalid_csrf_token`
 *   for a session without its CSRF header; as `decide` (auth/decide.ts): Forbidden `forbidden` for a
 *   caller (token kind, role) that may not, NotFound (404) for another environment's path
 *   (docs/security.md E-53, J-90), InsufficientScope (403) without the action's scope.
 */
export async function authenticateManagement(rt: Runtime, request: FastifyRequest): Promise<Principal> {
  const principal = await resolveMember(rt, request, await authenticateCaller(rt, request));
  // The second factor was checked with the session (auth/session.ts), for every session route alike.
  authorizeRoute(principal, request);
  return principal;
}

/** The authenticated principal of a management request. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthenticated('authentication required');
  return request.principal;
}

/** The audit actor of a management request: who, from which IP. */
export function actorFor(request: FastifyRequest): Actor {
  return { actor: actorOf(principalOf(request)), ip: request.ip };
}
