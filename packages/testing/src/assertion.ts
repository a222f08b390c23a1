/** Client assertions (RFC 7523) and DPoP proofs (RFC 9449) as clients make them, signed with jose. */
import { randomUUID, createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { ISSUER } from './server.js';

/** The `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2), written out here as a client would. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A client key pair: the private key and the public JWK (with `kid` and `alg`). */
export interface TestKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK & { kty: string; kid: string; alg: string };
  alg: string;
}

/** A new key pair for `alg`. */
export async function testKey(alg = 'ES256', kid: string = randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const exported = await exportJWK(publicKey);
  const jwk = { ...exported, kty: String(exported.kty), kid, alg };
  return { privateKey, publicKey, jwk, alg };
}

/** Claims and header of an assertion; `undefined` members are left out. `now` in seconds. */
export interface AssertionOptions {
  now: number;
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number | null;
  jti?: string | null;
  header?: Record<string, unknown>;
}

/** A signed client assertion for `clientId` (defaults: aud = issuer, exp = now + 60, a fresh jti). */
export function assertion(key: TestKey, clientId: string, o: AssertionOptions): Promise<string> {
  const claims: Record<string, unknown> = {
    iss: o.iss ?? clientId,
    sub: o.sub ?? clientId,
    aud: o.aud ?? ISSUER,
    iat: o.now,
  };
  if (o.exp !== null) claims.exp = o.exp ?? o.now + 60;
  if (o.jti !== null) claims.jti = o.jti ?? randomUUID();
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.jwk.kid, ...o.header }).sign(key.privateKey);
}

/** The form of a `client_credentials` request authenticated by `signed`. */
export function assertionForm(signed: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: signed,
    ...extra,
  };
}

/** base64url(SHA-256(text)): the `ath` of a token (RFC 9449 §4.2). */
export function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Claims and header of a DPoP proof. `now` in seconds; `undefined` members get defaults, `null` ones are left out. */
export interface ProofOptions {
  htm: string;
  htu: string;
  now: number;
  iat?: number;
  jti?: string;
  ath?: string | null;
  header?: Record<string, unknown>;
  alg?: string;
}

/** A DPoP proof (`typ: dpop+jwt`, the public key in `jwk`) signed by `key`. */
export async function dpopProof(key: TestKey, o: ProofOptions): Promise<string> {
  const { kid: _kid, alg: _alg, ...publicJwk } = key.jwk;
  const claims: Record<string, unknown> = { htm: o.htm, htu: o.htu, iat: o.iat ?? o.now, jti: o.jti ?? randomUUID() };
  if (o.ath) claims.ath = o.ath;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? key.alg, typ: 'dpop+jwt', jwk: publicJwk, ...o.header })
    .sign(key.privateKey);
}
