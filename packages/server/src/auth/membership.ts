/**
 * Turns a member account's session into the principal of the request's environment: the role is
 * read from the store on every request (current state; a removed member or changed role takes
 * effect on its next request). What the role may do there is decided by auth/decide.ts, with the
 * route's declared action, before the body is parsed. Another environment — or one the account
 * isn't a member of — is 404 `not_found`, exactly like an unknown one (docs/security.md J-90).
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import { NotFound } from '../errors/domain-errors.js';
import type { MemberRuntime } from './deps.js';
import { isMemberRole, roleScopes } from './role-policy.js';
import type { MemberPrincipal, Principal } from './principal.js';

/**
 * The principal a request acts as: unchanged for anyone but a member account; for a member
 * account, its membership in the path's environment (`:env`); outside any environment, the account.
 * @throws NotFound (404) for an environment that is unknown or not the account's.
 */
export async function resolveMember(
  rt: MemberRuntime,
  request: FastifyRequest,
  principal: Principal,
): Promise<Principal> {
  if (principal.type !== 'account') return principal;
  const slug = (request.params as { env?: string } | undefined)?.env;
  if (slug === undefined) return principal;
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
  return member;
}
