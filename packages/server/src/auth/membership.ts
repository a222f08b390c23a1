/**
 * Turns a member account's session into the principal of the request's environment: the role is
 * read from the store on every request (current state; a removed member or changed role takes
 * effect on its next request), and the route's capability is checked before the body is parsed.
 * Another environment — or one the account isn't a member of — is 404 `not_found`, exactly like an
 * unknown one (docs/security.md J-90).
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import { NotFound } from '../errors/domain-errors.js';
import type { MemberRuntime } from './deps.js';
import { isMemberRole, requireAccountRoute, requireRouteCapability, roleScopes } from './policy.js';
import type { MemberPrincipal, Principal } from './principal.js';

/**
 * The principal a request acts as: unchanged for anyone but a member account; for a member
 * account, its membership in the path's environment (`:env`), checked against the route.
 * @throws NotFound (404) for an environment that is unknown or not the account's; Forbidden (403)
 *   `forbidden` when the role (or an account outside an environment) may not call the route.
 */
export async function resolveMember(
  rt: MemberRuntime,
  request: FastifyRequest,
  principal: Principal,
): Promise<Principal> {
  if (principal.type !== 'account') return principal;
  const { method } = request;
  const url = request.routeOptions.url;
  const slug = (request.params as { env?: string } | undefined)?.env;
  if (slug === undefined) {
    requireAccountRoute(method, url);
    return principal;
  }
  const env = slug.length <= 200 ? await rt.directory.environment('slug', slug) : undefined;
  const role = env && (await rt.memberships.role(principal.accountId, env.id));
  if (!env || !role || !isMemberRole(role)) throw new NotFound('environment');
  const member: MemberPrincipal = {
    type: 'member',
    accountId: principal.accountId,
    email: principal.email,
    environmentId: env.id,
    environment: env.slug,
    role,
    scopes: roleScopes(role),
    ...(principal.authMethod && { authMethod: principal.authMethod }),
  };
  requireRouteCapability(member, method, url);
  return member;
}
