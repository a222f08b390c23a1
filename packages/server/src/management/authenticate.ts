/**
 * Who may call the management API: a console session (every environment, every operation;
 * CSRF-checked on state-changing methods) or an integration's bearer token for its own
 * environment, with the route's scope. Runs in `onRequest`, before the body is parsed.
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../context.js';
import type { Runtime } from '../runtime.js';
import { Forbidden, NotFound, Unauthenticated } from '../errors/domain-errors.js';
import { authenticateCaller } from '../auth/caller.js';
import { resolveMember } from '../auth/membership.js';
import { requireScope } from '../auth/policy.js';
import { actorOf, type Principal } from '../auth/principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Management routes only a console session may call (bearer callers get 403). */
    consoleOnly?: boolean;
  }
}

/**
 * Authenticates a management request and checks the route's access rules.
 * @throws MissingBearer/InvalidToken (401) without valid credentials; Forbidden `invalid_csrf_token`
 *   for a session without its CSRF header; Forbidden `forbidden` for a bearer token other than an
 *   integration's, or on a console-only route; NotFound (404) for another environment's path
 *   (docs/security.md E-53); InsufficientScope (403) without the route's scope.
 */
export async function authenticateManagement(rt: Runtime, request: FastifyRequest): Promise<Principal> {
  const principal = await resolveMember(rt, request, await authenticateCaller(rt, request));
  // Operators may everything; members were checked against their role (auth/membership.ts).
  if (principal.type === 'console' || principal.type === 'account' || principal.type === 'member') {
    return principal;
  }
  if (principal.type !== 'integration')
    throw new Forbidden('the management API takes integration tokens or a console session');
  const env = (request.params as { env?: string } | undefined)?.env;
  if (env !== undefined && env !== principal.environment) throw new NotFound('environment');
  if (request.routeOptions.config.consoleOnly) throw new Forbidden('this operation is for console administrators');
  const scope = request.routeOptions.config.scope;
  if (scope) requireScope(principal, scope);
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
