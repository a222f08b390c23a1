/**
 * Validation of tenant public keys at registration (RFC 8725 §3.5, docs/security.md D-48): each key is
 * bound to one algorithm, must be of that algorithm's family and curve, RSA at least 2048 bits,
 * EdDSA on Ed25519 only, and public (a private key is refused rather than trusted with).
 * @packageDocumentation
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import { InvalidInput } from '../errors/domain-errors.js';
import { ASYMMETRIC_ALGS } from '../auth/client-key.js';

/** Asymmetric algorithms a tenant key may be registered for: the same as an integration's keys. */
export const PUBLIC_KEY_ALGS = ASYMMETRIC_ALGS;
/** HMAC algorithms verified with the environment secret. */
export const SECRET_ALGS = ['HS256', 'HS384', 'HS512'] as const;

const CURVE: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1' };

/**
 * Parses a PEM (SPKI) or JWK (JSON text) public key and checks it fits `alg`.
 * @returns the public JWK (public members only) to store.
 * @throws InvalidInput `invalid_request` naming what is wrong.
 */
export async function validatePublicKey(alg: string, text: string): Promise<JWK> {
  if (!(PUBLIC_KEY_ALGS as readonly string[]).includes(alg))
    throw new InvalidInput(`alg must be one of ${PUBLIC_KEY_ALGS.join(', ')}`);
  let key: KeyObject;
  /** A pasted JWK's own `kid`, kept (the exported JWK has none). */
  let kid: string | undefined;
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as JWK;
      if (typeof jwk.kid === 'string') kid = jwk.kid;
      if (jwk.d !== undefined || jwk.k !== undefined)
        throw new InvalidInput('register the public key, not a private or symmetric key');
      key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } else {
      if (/PRIVATE KEY/.test(trimmed)) throw new InvalidInput('register the public key, not the private key');
      key = createPublicKey(trimmed);
    }
  } catch (err) {
    if (err instanceof InvalidInput) throw err;
    throw new InvalidInput('the key is not a PEM (SPKI) or JWK public key');
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (alg.startsWith('ES')) {
    if (type !== 'ec' || details.namedCurve !== CURVE[alg])
      throw new InvalidInput(`${alg} needs an EC key on ${alg === 'ES256' ? 'P-256' : 'P-384'}`);
  } else if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (type !== 'rsa' && !(alg.startsWith('PS') && type === 'rsa-pss'))
      throw new InvalidInput(`${alg} needs an RSA key`);
    if ((details.modulusLength ?? 0) < 2048) throw new InvalidInput('RSA keys must be at least 2048 bits');
  } else if (type !== 'ed25519') {
    throw new InvalidInput('EdDSA keys must be Ed25519');
  }
  const jwk = await exportJWK(key);
  return { ...jwk, alg, ...(kid !== undefined && { kid }) };
}
