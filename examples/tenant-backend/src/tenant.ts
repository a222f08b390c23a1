/**
 * A tenant's back end and Gatehouse customer tokens: sign a token for one of its users (HS512 with
 * the environment secret, or ES256 with a private key whose public half is registered), let
 * Gatehouse say who that is (`/api/v1/self`), and manage customers with an admin token.
 * @packageDocumentation
 */
import { GatehouseClient, signCustomerToken, type CustomersApi, type PrivateKeyInput } from '@gatehouse/client';

/** What `/api/v1/self` answers (the SDK does not export this type by name). */
export type Self = Awaited<ReturnType<GatehouseClient['self']>>;
/** A customer as the Environment API shows it. */
export type Customer = Awaited<ReturnType<CustomersApi['list']>>['items'][number];

/**
 * How the tenant reaches Gatehouse and signs its tokens.
 *
 * @example
 * ```ts
 * const tenant: TenantConfig = {
 *   gatehouseUrl: 'http://127.0.0.1:4000', environment: 'default',
 *   environmentKey: process.env.GATEHOUSE_ENVIRONMENT_KEY!, environmentSecret: process.env.GATEHOUSE_ENVIRONMENT_SECRET!,
 * };
 * ```
 */
export interface TenantConfig {
  /** Gatehouse base URL (the Environment API is under `/api/v1`). */
  gatehouseUrl: string;
  /** The environment's slug. */
  environment: string;
  /** The environment key: `iss` of every customer token. */
  environmentKey: string;
  /** The environment secret, for HS512 tokens and the admin token. */
  environmentSecret?: string;
  /** A private key (PKCS#8 PEM, JWK, KeyObject) whose public half is registered, for ES256 tokens. */
  privateKey?: PrivateKeyInput;
  /** The `kid` the public key was registered with. */
  kid?: string;
  /** Current time in milliseconds (default `Date.now`); tokens' `iat` and `exp` follow it. */
  clock?: () => number;
}

/**
 * One of the tenant's users, as Gatehouse will know it.
 *
 * @example
 * ```ts
 * const ada: TenantUser = { id: 'user-42', name: 'Ada Lovelace', fields: { plan: 'pro' } };
 * ```
 */
export interface TenantUser {
  id: string;
  name: string;
  fields?: Record<string, unknown>;
}

/** Customer tokens live two hours; Gatehouse caps the lifetime per environment (24 h by default). */
const CUSTOMER_TOKEN_LIFETIME = 7200;
/** Admin tokens do more: keep them short. */
const ADMIN_TOKEN_LIFETIME = 300;

function requireSecret(tenant: TenantConfig): string {
  if (tenant.environmentSecret === undefined)
    throw new Error('environmentSecret is required for HS512 and admin tokens');
  return tenant.environmentSecret;
}

/**
 * Signs a customer token for `user` with the environment secret, HS512.
 * @returns the compact JWT, valid two hours.
 * @throws Error without `environmentSecret`; the SDK's `ArgumentError` for a secret shorter than 64 bytes.
 *
 * @example
 * ```ts
 * const token = await customerTokenHs512(tenant, { id: 'user-42', name: 'Ada Lovelace' });
 * ```
 */
export function customerTokenHs512(tenant: TenantConfig, user: TenantUser): Promise<string> {
  return signCustomerToken({
    environmentKey: tenant.environmentKey,
    secret: requireSecret(tenant),
    algorithm: 'HS512',
    ...user,
    expiresIn: CUSTOMER_TOKEN_LIFETIME,
    ...(tenant.clock && { clock: tenant.clock }),
  });
}

/**
 * Signs a customer token for `user` with the tenant's private key, ES256, naming the registered
 * key by `kid`.
 * @throws Error without `privateKey`; the SDK's `ArgumentError` for a key that is not a P-256 private key.
 *
 * @example
 * ```ts
 * const token = await customerTokenEs256({ ...tenant, privateKey: pem, kid: 'tenant-1' }, { id: 'user-42', name: 'Ada' });
 * ```
 */
export function customerTokenEs256(tenant: TenantConfig, user: TenantUser): Promise<string> {
  if (tenant.privateKey === undefined) throw new Error('privateKey is required for ES256 tokens');
  return signCustomerToken({
    environmentKey: tenant.environmentKey,
    privateKey: tenant.privateKey,
    algorithm: 'ES256',
    ...(tenant.kid !== undefined && { kid: tenant.kid }),
    ...user,
    expiresIn: CUSTOMER_TOKEN_LIFETIME,
    ...(tenant.clock && { clock: tenant.clock }),
  });
}

/**
 * Signs an admin token (`isAdmin`, no `id`) with the environment secret, HS512, valid five minutes:
 * it acts for the environment, e.g. to list or change customers.
 *
 * @example
 * ```ts
 * const admin = await adminToken(tenant);
 * ```
 */
export function adminToken(tenant: TenantConfig): Promise<string> {
  return signCustomerToken({
    environmentKey: tenant.environmentKey,
    secret: requireSecret(tenant),
    algorithm: 'HS512',
    isAdmin: true,
    expiresIn: ADMIN_TOKEN_LIFETIME,
    ...(tenant.clock && { clock: tenant.clock }),
  });
}

/**
 * Asks Gatehouse who `token` stands for (`GET /api/v1/self`); a customer token's first use also
 * creates or updates the customer.
 * @throws the SDK's `GatehouseApiError` (401 `invalid_token` for a token Gatehouse refuses).
 *
 * @example
 * ```ts
 * const me = await whoIs(tenant, token); // { type: 'customer', id: 'user-42', name: 'Ada Lovelace', fields: {…} }
 * ```
 */
export function whoIs(tenant: TenantConfig, token: string): Promise<Self> {
  return new GatehouseClient({ baseUrl: tenant.gatehouseUrl, token }).self();
}

/**
 * Every customer of the environment, page after page, with an admin token.
 * @throws the SDK's `GatehouseApiError`.
 *
 * @example
 * ```ts
 * const customers = await listCustomers(tenant, await adminToken(tenant));
 * ```
 */
export async function listCustomers(tenant: TenantConfig, admin: string): Promise<Customer[]> {
  const client = new GatehouseClient({ baseUrl: tenant.gatehouseUrl, token: admin, environment: tenant.environment });
  const customers: Customer[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.customers.list({ limit: 100, cursor });
    customers.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return customers;
}
