/**
 * The member half of the authorization policy: what each role of docs/product.md "Delegated
 * administration" holds. Which capability an action needs is auth/decide.ts's rule table; an
 * action without one is refused to members (fail closed). Operators are not affected by this file.
 * @packageDocumentation
 */
import { CONTENT_SCOPES, MANAGEMENT_SCOPES, type Capability } from '@gatehouse/contracts';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { MemberPrincipal, MemberRole } from './principal.js';

export type { Capability } from '@gatehouse/contracts';

/** Roles, most powerful first. */
export const MEMBER_ROLES: readonly MemberRole[] = Object.freeze(['owner', 'admin', 'developer', 'viewer']);

/** True when `value` names a role. */
export function isMemberRole(value: string): value is MemberRole {
  return (MEMBER_ROLES as readonly string[]).includes(value);
}

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
  'webhooks:read',
  'webhooks:write',
];
const OWNER: readonly Capability[] = [...ADMIN, 'members:write', 'environment:delete'];

/**
 * Capabilities per role (docs/product.md table): `owner` everything including members; `admin` all but
 * members (webhooks included: they stream the audit log out); `developer` creates integrations (content scopes only: {@link memberGrantLimit}) and
 * rotates their secrets, reads everything but secrets; `viewer` reads, changes nothing.
 */
export const ROLE_CAPABILITIES: Readonly<Record<MemberRole, ReadonlySet<Capability>>> = Object.freeze({
  owner: new Set(OWNER),
  admin: new Set(ADMIN),
  developer: new Set(DEVELOPER),
  viewer: new Set(VIEWER),
});

/**
 * The management scopes a role holds (a member principal's `scopes`, for code that reads scopes);
 * what a member may do is decided by its role's capabilities (auth/decide.ts).
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
