/**
 * Customer tokens: short JWTs a tenant signs with its environment secret (HS256).
 * @packageDocumentation
 */
import { SignJWT } from 'jose';

/** What a tenant puts into a customer token. */
export interface CustomerTokenInput {
  environmentKey: string;
  environmentSecret: string;
  /** The customer's id in the tenant's system. */
  id: string;
  name: string;
  /** Lifetime, seconds (must not exceed the environment's customer-token maximum). */
  lifetimeSeconds: number;
}

/** Signs a customer token: HS256, `iss` = environment key, claims `id`, `name`, `iat`, `exp`. */
export async function signCustomerToken(input: CustomerTokenInput): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ id: input.id, name: input.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(input.environmentKey)
    .setIssuedAt(now)
    .setExpirationTime(now + input.lifetimeSeconds)
    .sign(new TextEncoder().encode(input.environmentSecret));
}
