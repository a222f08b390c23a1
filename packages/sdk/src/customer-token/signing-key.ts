/**
 * Resolving the key and algorithm of a customer token.
 * @packageDocumentation
 * @internal
 */
import { importJWK, importPKCS8, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { ArgumentError } from '../errors/gatehouse-error.js';

/**
 * Algorithms Gatehouse accepts for customer tokens.
 *
 * @example
 * ```ts
 * await signCustomerToken({ environmentKey, privateKey: pem, algorithm: 'ES256', kid: 'k1', id: 'u1', expiresIn: 600 });
 * ```
 */
export type CustomerTokenAlgorithm =
  'HS256' | 'HS384' | 'HS512' | 'ES256' | 'ES384' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'EdDSA';

/**
 * A private key: PKCS#8 PEM, a private JWK, or an imported `CryptoKey` / Node `KeyObject`.
 *
 * @example
 * ```ts
 * const privateKey: PrivateKeyInput = await readFile('customer-signing-key.pem', 'utf8'); // PKCS#8
 * ```
 */
export type PrivateKeyInput = string | JWK | CryptoKey | KeyObject;

const HMAC_MIN_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };
const ASYMMETRIC = new Set(['ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA']);

/** The algorithm a private JWK implies (its `alg`, else its key type and curve). */
function jwkAlgorithm(jwk: JWK): string | undefined {
  if (jwk.alg !== undefined) return jwk.alg;
  if (jwk.kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384' }[jwk.crv ?? ''];
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'RSA') return 'RS256';
  return undefined;
}

const isJwk = (key: PrivateKeyInput): key is JWK => typeof key === 'object' && 'kty' in key;

/**
 * The algorithm and signing key for `secret` (HS*, default HS256) or `privateKey` (asymmetric;
 * the algorithm may be omitted only for a JWK, whose `alg`, `kty` and `crv` imply it).
 * Refuses an HMAC secret shorter than the hash (RFC 8725 §3.5) and mixing families.
 */
export async function resolveSigningKey(input: {
  secret?: string | Uint8Array | undefined;
  privateKey?: PrivateKeyInput | undefined;
  algorithm?: CustomerTokenAlgorithm | undefined;
}): Promise<{ alg: CustomerTokenAlgorithm; key: CryptoKey | KeyObject | Uint8Array }> {
  const { secret, privateKey } = input;
  if ((secret === undefined) === (privateKey === undefined))
    throw new ArgumentError('pass exactly one of secret or privateKey');
  if (secret !== undefined) {
    const alg = input.algorithm ?? 'HS256';
    const minBytes = HMAC_MIN_BYTES[alg];
    if (minBytes === undefined) throw new ArgumentError(`algorithm ${alg} needs a privateKey, not a secret`);
    const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
    if (bytes.byteLength < minBytes)
      throw new ArgumentError(`a ${alg} secret must be at least ${minBytes} bytes (RFC 8725 §3.5)`);
    return { alg, key: bytes };
  }
  const key = privateKey as PrivateKeyInput;
  const alg = input.algorithm ?? (isJwk(key) ? jwkAlgorithm(key) : undefined);
  if (alg === undefined) throw new ArgumentError('algorithm is required with this privateKey');
  if (!ASYMMETRIC.has(alg)) throw new ArgumentError(`algorithm ${alg} is not an asymmetric customer-token algorithm`);
  if (typeof key === 'string') {
    if (!key.includes('-----BEGIN PRIVATE KEY-----'))
      throw new ArgumentError('privateKey PEM must be PKCS#8 (BEGIN PRIVATE KEY)');
    return { alg: alg as CustomerTokenAlgorithm, key: await importPKCS8(key, alg) };
  }
  if (isJwk(key)) {
    if (key.d === undefined) throw new ArgumentError('privateKey JWK is a public key');
    const imported = await importJWK(key, alg);
    return { alg: alg as CustomerTokenAlgorithm, key: imported };
  }
  return { alg: alg as CustomerTokenAlgorithm, key };
}
