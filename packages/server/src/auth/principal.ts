/**
 * Who is calling: the principal a bearer token (or a console session) stands for.
 * @packageDocumentation
 */
import type { ActClaim } from '@gatehouse/contracts';

/**
 * Of a principal from an exchanged token (RFC 8693): who acts for it. Its scopes stay within the
 * acting integration's current grants too (auth/policy.ts `withCurrentScopes`).
 */
export interface Delegation {
  /** The token's `act` claim: the acting client, nesting earlier actors (§4.1). */
  act?: ActClaim;
  /** The `client_id` of the integration that exchanged (and holds) the token. */
  actorClientId?: string;
}
/** An integration, through a Gatehouse access token. */
export interface IntegrationPrincipal extends Delegation {
  type: 'integration';
  environmentId: string;
  environment: string;
  integrationId: string;
  clientId: string;
  /** The token's `scope` claim. */
  tokenScopes: ReadonlySet<string>;
  /** Effective scopes: the token's scopes that the integration is still granted (auth/policy.ts). */
  scopes: ReadonlySet<string>;
  jti: string;
  /** Seconds since the epoch. */
  exp: number;
  /** The DPoP key thumbprint the token is bound to (`cnf.jkt`, RFC 9449 §6.1); absent for a Bearer token. */
  jkt?: string;
}

/** A tenant's end user, through a customer token. */
export interface CustomerPrincipal extends Delegation {
  type: 'customer';
  environmentId: string;
  environment: string;
  customerId: string;
  name: string | null;
  fields: Record<string, unknown>;
  scopes: ReadonlySet<string>;
  exp: number;
  /** Of an exchanged token: its `jti` (checked against revocations). */
  jti?: string;
  /** Of an exchanged DPoP-bound token: the key thumbprint (`cnf.jkt`, RFC 9449 §6.1). */
  jkt?: string;
}

/** A tenant's admin token: acts for the environment (customers), owns no projects. */
export interface AdminPrincipal {
  type: 'admin';
  environmentId: string;
  environment: string;
  scopes: ReadonlySet<string>;
  exp: number;
}

/** A console administrator signed in with a session cookie: may manage every environment. */
export interface ConsolePrincipal {
  type: 'console';
  adminId: string;
  email: string;
  /** How the session was opened: `password`, `password+totp` or `sso` (absent: `password`). */
  authMethod?: 'password' | 'password+totp' | 'sso';
}

/** Roles of a member in an environment (docs/product.md "Delegated administration"). */
export type MemberRole = 'owner' | 'admin' | 'developer' | 'viewer';

/**
 * A signed-in console account that is not an operator, outside any environment (e.g. listing its
 * environments). It acts only through its memberships.
 */
export interface AccountPrincipal {
  type: 'account';
  accountId: string;
  email: string;
  /** How the session was opened: `password`, `password+totp` or `sso` (absent: `password`). */
  authMethod?: 'password' | 'password+totp' | 'sso';
}

/**
 * A member acting in the environment of the request's path, with its role there as of this
 * request (read from the store per request, never cached in the session: auth/membership.ts).
 */
export interface MemberPrincipal {
  type: 'member';
  accountId: string;
  email: string;
  environmentId: string;
  environment: string;
  role: MemberRole;
  /** The management scopes the role holds (auth/policy.ts `roleScopes`). */
  scopes: ReadonlySet<string>;
  /** How the session was opened: `password`, `password+totp` or `sso` (absent: `password`). */
  authMethod?: 'password' | 'password+totp' | 'sso';
}

/** Any authenticated caller. */
export type Principal =
  IntegrationPrincipal | CustomerPrincipal | AdminPrincipal | ConsolePrincipal | AccountPrincipal | MemberPrincipal;

/** Principals that come from bearer tokens. */
export type BearerPrincipal = IntegrationPrincipal | CustomerPrincipal | AdminPrincipal;

/** The owner key of projects and outputs: (type, id); admins and console users own none. */
export function ownerOf(principal: Principal): { ownerType: 'integration' | 'customer'; ownerId: string } | undefined {
  if (principal.type === 'integration') return { ownerType: 'integration', ownerId: principal.integrationId };
  if (principal.type === 'customer') return { ownerType: 'customer', ownerId: principal.customerId };
  return undefined;
}

/** The audit actor string of a principal. */
export function actorOf(principal: Principal): string {
  switch (principal.type) {
    case 'integration':
      return `integration:${principal.clientId}`;
    case 'customer':
      return `customer:${principal.customerId}`;
    case 'admin':
      return 'customer-admin';
    case 'console':
      return `admin:${principal.email}`;
    case 'account':
    case 'member':
      return `member:${principal.email}`;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook of bearer-protected and management routes. */
    principal?: Principal;
  }
}
