/**
 * Public keys of integrations for `private_key_jwt` (RFC 7523 §2.2): which JWKs are accepted and
 * the one algorithm each is pinned to (RFC 8725 §3.1). Asymmetric only, never a private member.
 * @packageDocumentation
 */
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { ClientKeyRecord } from '../store/repositories/integrations.js';

/** Algorithms a client may sign assertions (and DPoP proofs) with: asymmetric only, no `none`, no HS*. */
export const ASYMMETRIC_ALGS = [
  'ES256',
  'ES384',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
] as const;

/** Most keys an integration may register (two during a rotation is the common case). */
export const MAX_CLIENT_KEYS = 5;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'] as const;
const KID = /^[\x21-\x7e]{1,128}$/;
const EC_ALG: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384' };

/** Thrown for a JWK that can't be a client key; the message says why. */
export class UnacceptableKey extends Error {}

/** The algorithm `jwk` is pinned to: its `alg`, or the one its curve implies (EC, Ed25519). */
function pinnedAlg(jwk: Record<string, unknown>): string {
  const { kty, crv, alg } = jwk;
  const implied =
    kty === 'EC' && typeof crv === 'string' ? EC_ALG[crv] : kty === 'OKP' && crv === 'Ed25519' ? 'EdDSA' : undefined;
  if (alg !== undefined) {
    if (typeof alg !== 'string' || !(ASYMMETRIC_ALGS as readonly string[]).includes(alg))
      throw new UnacceptableKey(`alg must be one of ${ASYMMETRIC_ALGS.join(', ')}`);
    if (kty === 'RSA' ? !/^(RS|PS)/.test(alg) : alg !== implied)
      throw new UnacceptableKey('alg does not fit the key type or curve');
    return alg;
  }
  if (implied) return implied;
  throw new UnacceptableKey(
    kty === 'RSA' ? 'an RSA key needs alg' : 'kty must be EC (P-256, P-384), OKP (Ed25519) or RSA',
  );
}

/**
 * Checks a JWK and returns what is stored of it: its public members only, its `kid` (the RFC 7638
 * thumbprint when it has none) and its pinned `alg`. RSA moduli must have at least 2048 bits.
 * @param nowSeconds - the registration time, seconds
 * @throws UnacceptableKey for a private or symmetric key, an unknown type, curve or algorithm, a
 *   `use` other than `sig`, a malformed `kid`, or a key jose cannot import.
 */
export async function toClientKey(
  input: Readonly<Record<string, unknown>>,
  nowSeconds: number,
): Promise<ClientKeyRecord> {
  for (const m of PRIVATE_MEMBERS)
    if (m in input)
      throw new UnacceptableKey('a private or symmetric key is never registered: send the public key only');
  if (input.use !== undefined && input.use !== 'sig') throw new UnacceptableKey('use must be sig');
  const alg = pinnedAlg(input);
  if (input.kty === 'RSA' && (typeof input.n !== 'string' || Buffer.from(input.n, 'base64url').length < 256))
    throw new UnacceptableKey('RSA keys need a modulus of at least 2048 bits');
  const jwk: Record<string, unknown> = {};
  for (const m of PUBLIC_MEMBERS) if (input[m] !== undefined) jwk[m] = input[m];
  try {
    await importJWK(jwk as JWK, alg);
  } catch {
    throw new UnacceptableKey('the key can not be imported');
  }
  const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk as JWK, 'sha256'));
  if (typeof kid !== 'string' || !KID.test(kid)) throw new UnacceptableKey('kid must be 1 to 128 printable characters');
  return { kid, alg, jwk: { ...jwk, kid, alg }, createdAt: nowSeconds };
}
