/**
 * `signCustomerToken`: the JWT a tenant's back end signs for one of its customers (or an admin).
 * @packageDocumentation
 */
import { SignJWT } from 'jose';
import { ArgumentError } from '../errors/gatehouse-error.js';
import type { Clock } from '../types.js';
import { resolveSigningKey, type CustomerTokenAlgorithm, type PrivateKeyInput } from './signing-key.js';

/**
 * Options of {@link signCustomerToken}.
 *
 * @example
 * ```ts
 * const options: CustomerTokenOptions = { environmentKey, secret, isAdmin: true, expiresIn: 300 };
 * const adminToken = await signCustomerToken(options);
 * ```
 */
export interface CustomerTokenOptions {
  /** The environment key: becomes `iss`. */
  environmentKey: string;
  /** The environment secret (HS256/384/512); or pass `privateKey`. */
  secret?: string | Uint8Array;
  /** A registered key's private half: PKCS#8 PEM, private JWK, `CryptoKey` or `KeyObject`. */
  privateKey?: PrivateKeyInput;
  /** Default `HS256` with `secret`; with `privateKey` required unless the JWK implies it. */
  algorithm?: CustomerTokenAlgorithm;
  /** `kid` header: the id of the registered public key. */
  kid?: string;
  /** The customer's id, unique in the environment (required unless `isAdmin`). */
  id?: string;
  /** Human-readable customer name. */
  name?: string;
  /** Any JSON object to store with the customer. */
  fields?: Record<string, unknown>;
  /** Lifetime in **seconds** (> 0); the server caps it (24 h by default). */
  expiresIn: number;
  /** An admin token: acts for the environment; must not carry `id`. */
  isAdmin?: boolean;
  /** Current time (default `Date.now`). */
  clock?: Clock;
}

/**
 * Signs a customer token: a JWT with `iss` = environment key, `id`, `name`, `fields` (or
 * `isAdmin: true` and no `id`), `iat` and `exp` = `iat + expiresIn`, header `typ: JWT` and `kid`
 * when given. HS256 with the environment secret by default; HS* secrets must be at least as long
 * as the hash (32/48/64 bytes).
 *
 * @returns the compact JWS.
 * @throws {@link ArgumentError} for `id` together with `isAdmin`, neither of them, a non-positive
 *   `expiresIn`, `fields` that is not an object, or a key that does not fit the algorithm.
 *
 * @example
 * ```ts
 * const token = await signCustomerToken({
 *   environmentKey: process.env.GATEHOUSE_ENVIRONMENT_KEY!,
 *   secret: process.env.GATEHOUSE_ENVIRONMENT_SECRET!,
 *   algorithm: 'HS512',
 *   id: user.id,
 *   name: user.name,
 *   fields: { plan: user.plan },
 *   expiresIn: 7200,
 * });
 * ```
 */
export async function signCustomerToken(options: CustomerTokenOptions): Promise<string> {
  if (typeof options.environmentKey !== 'string' || options.environmentKey === '')
    throw new ArgumentError('environmentKey is required');
  if (typeof options.expiresIn !== 'number' || !Number.isFinite(options.expiresIn) || options.expiresIn <= 0) {
    throw new ArgumentError('expiresIn must be a positive number of seconds');
  }
  if (options.isAdmin === true && options.id !== undefined)
    throw new ArgumentError('an admin token must not carry id (ambiguous)');
  if (options.isAdmin !== true && (typeof options.id !== 'string' || options.id === ''))
    throw new ArgumentError('id is required unless isAdmin');
  const { fields } = options;
  if (fields !== undefined && (typeof fields !== 'object' || fields === null || Array.isArray(fields))) {
    throw new ArgumentError('fields must be a JSON object');
  }
  const { alg, key } = await resolveSigningKey(options);

  const claims: Record<string, unknown> = options.isAdmin === true ? { isAdmin: true } : { id: options.id };
  if (options.name !== undefined) claims['name'] = options.name;
  if (fields !== undefined) claims['fields'] = fields;
  const now = Math.floor((options.clock ?? Date.now)() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg, typ: 'JWT', ...(options.kid !== undefined ? { kid: options.kid } : {}) })
    .setIssuer(options.environmentKey)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.ceil(options.expiresIn))
    .sign(key);
}
