/**
 * The member half of the authorization policy (re-exported by auth/policy.ts, the one module
 * routes ask): what each role of docs/product.md "Delegated administration" may do, and which
 * capability every route of an environment needs. A route missing from {@link ROUTE_CAPABILITIES}
 * is refused to members (fail closed); operators are not affected by this file.
 * @packageDocumentation
 */
import { CONTENT_SCOPES, MANAGEMENT_SCOPES } from '@gatehouse/contracts';
import { Forbidden } from '../errors/domain-errors.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { MemberPrincipal, MemberRole, Principal } from './principal.js';

/** Roles, most powerful first. */
export const MEMBER_ROLES: readonly MemberRole[] = Object.freeze(['owner', 'admin', 'developer', 'viewer']);

/** True when `value` names a role. */
export function isMemberRole(value: string): value is MemberRole {
  return (MEMBER_ROLES as readonly string[]).includes(value);
}

/** What a caller may do in an environment; the console shows or hides actions by these. */
export type Capability =
  | 'environment:read'
  | 'environment:write'
  | 'environment:delete'
  | 'integrations:read'
  | 'integrations:create'
  | 'integrations:write'
  | 'integrations:rotate-secret'
  | 'apis:read'
  | 'apis:write'
  | 'customers:read'
  | 'customers:write'
  | 'credentials:read'
  | 'credentials:write'
  | 'audit:read'
  | 'members:read'
  | 'members:write';

const VIEWER: readonly Capability[] = [
  'environment:read',
  'integrations:read',
  'apis:read',
  'customers:read',
  'audit:read',
  'members:read',
];
const DEVELOPER: readonly Capability[] = [
  ...VIEWER,
  'integrations:create',
  'integrations:rotate-secret',
  'credentials:read',
];
const ADMIN: readonly Capability[] = [
  ...DEVELOPER,
  'environment:write',
  'integrations:write',
  'apis:write',
  'customers:write',
  'credentials:write',
];
const OWNER: readonly Capability[] = [...ADMIN, 'members:write', 'environment:delete'];

/**
 * Capabilities per role (docs/product.md table): `owner` everything including members; `admin` all but
 * members; `developer` creates integrations (content scopes only: {@link memberGrantLimit}) and
 * rotates their secrets, reads everything but secrets; `viewer` reads, changes nothing.
 */
export const ROLE_CAPABILITIES: Readonly<Record<MemberRole, ReadonlySet<Capability>>> = Object.freeze({
  owner: new Set(OWNER),
  admin: new Set(ADMIN),
  developer: new Set(DEVELOPER),
  viewer: new Set(VIEWER),
});

/** Every capability: an operator's in any environment. */
export const ALL_CAPABILITIES: ReadonlySet<Capability> = ROLE_CAPABILITIES.owner;

/**
 * The management scopes a role holds, so the scope checks routes and services already make
 * (`requireScope`, `secretRotationKind`) hold for members too; the finer rules are capabilities.
 */
export function roleScopes(role: MemberRole): ReadonlySet<string> {
  if (role === 'owner' || role === 'admin') return new Set(MANAGEMENT_SCOPES);
  if (role === 'developer')
    return new Set(['integrations:read', 'integrations:write', 'integrations:secrets', 'customers:read', 'audit:read']);
  return new Set(['integrations:read', 'customers:read', 'audit:read']);
}

/**
 * What a member may grant and act on (see `grantLimit`): owners and admins have no limit;
 * developers the content scopes of the Environment API (so they create, and rotate the secrets
 * of, content-only integrations); viewers nothing. Another environment: nothing.
 */
export function memberGrantLimit(
  member: MemberPrincipal,
  env: EnvironmentRecord,
): ReadonlyMap<string, ReadonlySet<string>> | undefined {
  if (member.environmentId !== env.id) return new Map();
  if (member.role === 'owner' || member.role === 'admin') return undefined;
  if (member.role === 'developer') return new Map([[env.environmentApi.id, new Set(CONTENT_SCOPES)]]);
  return new Map();
}

/**
 * The capability each environment route needs from a member, by `METHOD url` as Fastify
 * registered it (prefix included). Routes of other contexts (content APIs) are absent: members
 * have no projects, media or outputs.
 */
export const ROUTE_CAPABILITIES: Readonly<Record<string, Capability>> = Object.freeze({
  'GET /api/v1/environments/:env': 'environment:read',
  'PATCH /api/v1/environments/:env': 'environment:write',
  'DELETE /api/v1/environments/:env': 'environment:delete',
  'GET /api/v1/environments/:env/capabilities': 'environment:read',
  'GET /api/v1/environments/:env/integrations': 'integrations:read',
  'POST /api/v1/environments/:env/integrations': 'integrations:create',
  'GET /api/v1/environments/:env/integrations/:client_id': 'integrations:read',
  'PATCH /api/v1/environments/:env/integrations/:client_id': 'integrations:write',
  'DELETE /api/v1/environments/:env/integrations/:client_id': 'integrations:write',
  'POST /api/v1/environments/:env/integrations/:client_id/rotate-secret': 'integrations:rotate-secret',
  'POST /api/v1/environments/:env/integrations/:client_id/revoke-tokens': 'integrations:write',
  'GET /api/v1/environments/:env/integrations/:client_id/keys': 'integrations:read',
  'POST /api/v1/environments/:env/integrations/:client_id/keys': 'integrations:write',
  'DELETE /api/v1/environments/:env/integrations/:client_id/keys/:kid': 'integrations:write',
  'GET /api/v1/environments/:env/apis': 'apis:read',
  'POST /api/v1/environments/:env/apis': 'apis:write',
  'GET /api/v1/environments/:env/apis/:api': 'apis:read',
  'PATCH /api/v1/environments/:env/apis/:api': 'apis:write',
  'DELETE /api/v1/environments/:env/apis/:api': 'apis:write',
  'GET /api/v1/environments/:env/audit': 'audit:read',
  'GET /api/v1/environments/:env/customers': 'customers:read',
  'GET /api/v1/environments/:env/customers/:id': 'customers:read',
  'PATCH /api/v1/environments/:env/customers/:id': 'customers:write',
  'DELETE /api/v1/environments/:env/customers/:id': 'customers:write',
  'GET /api/v1/environments/:env/credentials': 'credentials:read',
  'POST /api/v1/environments/:env/credentials/secret': 'credentials:write',
  'POST /api/v1/environments/:env/credentials/rotate-secret': 'credentials:write',
  'POST /api/v1/environments/:env/credentials/public-keys': 'credentials:write',
  'DELETE /api/v1/environments/:env/credentials/public-keys/:id': 'credentials:write',
  'GET /api/v1/environments/:env/members': 'members:read',
  'GET /api/v1/environments/:env/invitations': 'members:read',
  'POST /api/v1/environments/:env/invitations': 'members:write',
  'DELETE /api/v1/environments/:env/invitations/:id': 'members:write',
  'PATCH /api/v1/environments/:env/members/:account_id': 'members:write',
  'DELETE /api/v1/environments/:env/members/:account_id': 'members:write',
  // Whether members must have TOTP to act here: the owner's (like members), or an operator's.
  'PUT /api/v1/environments/:env/require-totp': 'members:write',
});

/** Routes outside any environment that a member account may call (its own view of things). */
const ACCOUNT_ROUTES: ReadonlySet<string> = new Set(['GET /api/v1/environments', 'GET /api/v1/me']);

/** The capabilities of `principal` in its environment: all for an operator, its role's for a member, none otherwise. */
export function capabilitiesOf(principal: Principal): ReadonlySet<Capability> {
  if (principal.type === 'console') return ALL_CAPABILITIES;
  if (principal.type === 'member') return ROLE_CAPABILITIES[principal.role];
  return new Set();
}

/**
 * Checks that `principal` holds `capability` (operators hold every one).
 * @throws Forbidden (403) `forbidden` naming the capability.
 */
export function requireCapability(principal: Principal, capability: Capability): void {
  if (!capabilitiesOf(principal).has(capability))
    throw new Forbidden(`your role may not do this (needs ${capability})`);
}

/**
 * Checks that a member may call the route `method url` (its url as registered), before the body
 * is read. Routes unknown to {@link ROUTE_CAPABILITIES} are refused.
 * @throws Forbidden (403) `forbidden`.
 */
export function requireRouteCapability(principal: MemberPrincipal, method: string, url: string | undefined): void {
  const capability = ROUTE_CAPABILITIES[`${method} ${url ?? ''}`];
  if (!capability) throw new Forbidden('this operation is for operators');
  requireCapability(principal, capability);
}

/**
 * Checks that a member account outside an environment may call the route `method url`.
 * @throws Forbidden (403) `forbidden`.
 */
export function requireAccountRoute(method: string, url: string | undefined): void {
  if (!ACCOUNT_ROUTES.has(`${method} ${url ?? ''}`)) throw new Forbidden('this operation is for operators');
}

/**
 * Checks that `principal` may give `role` to the member `targetAccountId`: owners (and operators)
 * only, and nobody changes their own role to another (a member can't raise itself; docs/security.md J-91).
 * @throws Forbidden (403) `forbidden`.
 */
export function requireRoleChange(principal: Principal, targetAccountId: string): void {
  requireCapability(principal, 'members:write');
  if (principal.type === 'member' && principal.accountId === targetAccountId)
    throw new Forbidden('you can not change your own role');
}
