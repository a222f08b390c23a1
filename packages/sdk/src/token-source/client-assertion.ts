/**
 * `private_key_jwt` client assertions (RFC 7523 §2.2, §3 with RFC 7521 §4.2).
 * @packageDocumentation
 * @internal
 */
import { SignJWT, type CryptoKey, type JWTPayload, type KeyObject } from 'jose';
import { resolveSigningKey, type CustomerTokenAlgorithm, type PrivateKeyInput } from '../customer-token/signing-key.js';
import { ArgumentError } from '../errors/gatehouse-error.js';
import type { TokenSourceOptions } from './token-source-types.js';

/** `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Seconds an assertion is valid (the server accepts at most 300). */
export const ASSERTION_LIFETIME = 60;

/**
 * Signs the claims of a client assertion: returns a compact JWS. `header` holds `kid` and `alg`
 * when the token source was given them (a signer backed by a KMS may use its own).
 *
 * @example
 * ```ts
 * const signer: AssertionSigner = (claims, header) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', ...header }).sign(key);
 * ```
 */
export type AssertionSigner = (
  claims: JWTPayload & { iss: string; sub: string; aud: string; exp: number; jti: string },
  header: { alg?: string; kid?: string },
) => Promise<string>;

/** The algorithm a `CryptoKey` implies (ECDSA curve, Ed25519, RSA-PSS or RSASSA hash). */
function cryptoKeyAlgorithm(key: PrivateKeyInput): CustomerTokenAlgorithm | undefined {
  if (typeof key !== 'object' || !('algorithm' in key) || 'kty' in key) return undefined;
  const a = (key as CryptoKey).algorithm as { name?: string; namedCurve?: string; hash?: { name?: string } };
  if (a.name === 'ECDSA') return ({ 'P-256': 'ES256', 'P-384': 'ES384' } as const)[a.namedCurve as 'P-256'];
  if (a.name === 'Ed25519') return 'EdDSA';
  const bits = a.hash?.name?.replace('SHA-', '');
  if (a.name === 'RSASSA-PKCS1-v1_5' && bits) return `RS${bits}` as CustomerTokenAlgorithm;
  if (a.name === 'RSA-PSS' && bits) return `PS${bits}` as CustomerTokenAlgorithm;
  return undefined;
}

/**
 * A signer for `privateKey` (PKCS#8 PEM, private JWK, `CryptoKey` or `KeyObject`). The algorithm is
 * `alg`, else the JWK's `alg`/`kty`/`crv` or the `CryptoKey`'s algorithm, else ES256. The key is
 * imported once, on the first assertion.
 *
 * @throws {@link ArgumentError} (from the first assertion) for a public or unusable key.
 */
export function privateKeySigner(privateKey: PrivateKeyInput, alg: string | undefined): AssertionSigner {
  const isJwk = typeof privateKey === 'object' && 'kty' in privateKey;
  const algorithm = (alg ?? (isJwk ? undefined : (cryptoKeyAlgorithm(privateKey) ?? 'ES256'))) as
    CustomerTokenAlgorithm | undefined;
  let resolved: Promise<{ alg: string; key: CryptoKey | KeyObject | Uint8Array }> | undefined;
  return async (claims, header) => {
    resolved ??= resolveSigningKey({ privateKey, algorithm });
    const { alg: signAlg, key } = await resolved;
    if (signAlg.startsWith('HS')) throw new ArgumentError('privateKey must be an asymmetric key');
    return new SignJWT(claims).setProtectedHeader({ ...header, alg: signAlg }).sign(key);
  };
}

/**
 * A fresh client assertion: `iss` = `sub` = `clientId`, `aud` = the issuer identifier, `iat` now,
 * `exp` {@link ASSERTION_LIFETIME} seconds later, a random `jti`. `nowMs` in milliseconds.
 */
export function clientAssertion(
  signer: AssertionSigner,
  clientId: string,
  audience: string,
  nowMs: number,
  header: { alg?: string; kid?: string },
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return signer(
    { iss: clientId, sub: clientId, aud: audience, iat, exp: iat + ASSERTION_LIFETIME, jti: crypto.randomUUID() },
    header,
  );
}

/**
 * The assertion signer of `options`, or `undefined` for a secret or a federated token.
 * @throws {@link ArgumentError} unless exactly one of `clientSecret`, `privateKey`, `signer` and `federatedToken` is given.
 */
export function assertionSigner(options: TokenSourceOptions): AssertionSigner | undefined {
  const given = [options.clientSecret, options.privateKey, options.signer, options.federatedToken].filter(
    (v) => v !== undefined,
  ).length;
  if (given !== 1) throw new ArgumentError('pass exactly one of clientSecret, privateKey, signer or federatedToken');
  if (options.federatedToken !== undefined) return undefined;
  if (options.clientSecret !== undefined) {
    if (typeof options.clientSecret !== 'string' || options.clientSecret === '')
      throw new ArgumentError('clientSecret must be a non-empty string');
    return undefined;
  }
  if (options.signer !== undefined) {
    if (typeof options.signer !== 'function') throw new ArgumentError('signer must be a function');
    return options.signer;
  }
  return privateKeySigner(options.privateKey!, options.alg);
}
