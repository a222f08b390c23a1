/**
 * Synchronous ES256 signing of the JWTs a client sends with every request: client assertions
 * (RFC 7523 §2.2) and DPoP proofs (RFC 9449 §4.2). autocannon's `setupRequest` hook is synchronous
 * and jose only signs asynchronously, so each request's JWT is signed here with node:crypto
 * (P-256, `ieee-p1363` signature encoding as JWS requires, RFC 7518 §3.4) — a fresh `jti` every
 * time, so the server's single-use checks accept every request of a run.
 * @packageDocumentation
 */
import { generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from 'node:crypto';

/** A P-256 key pair and its public JWK (with `kid` and `alg: ES256`). */
export interface SigningKey {
  privateKey: KeyObject;
  /** The public JWK: `kty`, `crv`, `x`, `y`, plus `kid` and `alg`. */
  jwk: JsonWebKey & { kid: string; alg: 'ES256' };
}

/** A new ES256 key. */
export function es256Key(kid: string = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256' } };
}

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS (RFC 7515 §7.1) of `claims` under `header` (its `alg` is set to ES256). */
export function signEs256(key: SigningKey, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const input = `${part({ ...header, alg: 'ES256' })}.${part(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * A client assertion for `clientId`: `iss` = `sub` = client_id, `aud` = `audience` (the issuer
 * identifier), `iat` now, `exp` 60 s ahead, a fresh `jti`; header `kid` names the key.
 */
export function clientAssertion(key: SigningKey, clientId: string, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signEs256(
    key,
    { kid: key.jwk.kid, typ: 'JWT' },
    { iss: clientId, sub: clientId, aud: audience, iat: now, exp: now + 60, jti: randomUUID() },
  );
}

/** A DPoP proof for `htm` `htu` (no query), `iat` now, a fresh `jti`; the public key in the header. */
export function dpopProof(key: SigningKey, htm: string, htu: string): string {
  const { kid: _kid, alg: _alg, ...publicJwk } = key.jwk;
  return signEs256(
    key,
    { typ: 'dpop+jwt', jwk: publicJwk },
    { htm, htu, iat: Math.floor(Date.now() / 1000), jti: randomUUID() },
  );
}
