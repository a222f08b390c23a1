/**
 * Who may call the management API: a console session (every environment, every operation;
 * CSRF-checked on state-changing methods) or an integration's bearer token for its own
 * environment, with the route's scope. Runs in `onRequest`, before the body is parsed.
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../context.js';
import type { Runtime } from '../runtime.js';
import { ApiError, NotFound } from '../errors/api-error.js';
import { authenticateBearer } from '../api/bearer.js';
import { actorOf, requireScope, type Principal } from '../api/principal.js';
import { requireEnvironment } from '../services/environments.js';
import type { GrantMap } from '../services/integrations.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Management routes only a console session may call (bearer callers get 403). */
    consoleOnly?: boolean;
  }
}

/**
 * Authenticates a management request and checks the route's access rules.
 * @throws MissingBearer/InvalidToken (401) without valid credentials; ApiError 403 `invalid_csrf_token`
 *   for a session without its CSRF header; ApiError 403 `forbidden` for a bearer token other than an
 *   integration's, or on a console-only route; NotFound (404) for another environment's path
 *   (SECURITY.md E-53); InsufficientScope (403) without the route's scope.
 */
export async function authenticateManagement(rt: Runtime, request: FastifyRequest): Promise<Principal> {
  if (request.headers.authorization === undefined && rt.authenticateSession) {
    const session = await rt.authenticateSession(request);
    if (session) return session;
  }
  const principal = await authenticateBearer(rt, request);
  if (principal.type !== 'integration') throw new ApiError(403, 'forbidden', 'the management API takes integration tokens or a console session');
  const env = (request.params as { env?: string } | undefined)?.env;
  if (env !== undefined && env !== principal.environment) throw new NotFound('environment');
  if (request.routeOptions.config.consoleOnly) throw new ApiError(403, 'forbidden', 'this operation is for console administrators');
  const scope = request.routeOptions.config.scope;
  if (scope) requireScope(principal, scope);
  return principal;
}

/** The authenticated principal of a management request. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError(401, 'unauthorized', 'authentication required');
  return request.principal;
}

/** The audit actor of a management request: who, from which IP. */
export function actorFor(request: FastifyRequest): Actor {
  return { actor: actorOf(principalOf(request)), ip: request.ip };
}

/**
 * What the caller may grant: undefined (anything) for a console administrator; for an integration,
 * the Environment API scopes its token holds ("an integration can never grant scopes it does not
 * hold itself", PRODUCT.md).
 * @throws NotFound for an unknown environment.
 */
export async function grantLimit(rt: Runtime, request: FastifyRequest, slug: string): Promise<GrantMap | undefined> {
  const p = principalOf(request);
  if (p.type === 'console') return undefined;
  if (p.type !== 'integration') return new Map();
  const env = await requireEnvironment(rt.ctx, slug);
  return new Map([[env.environmentApi.id, new Set(p.scopes)]]);
}
