/**
 * ES256 signing keys and access tokens shaped like Gatehouse's (RFC 9068), signed with jose.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** A fresh ES256 key pair with its public JWK (`kid`, `alg`, `use`). */
export async function createTestKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export interface AccessTokenInit {
  issuer: string;
  audience: string;
  scope: string;
  /** Seconds since the epoch (default now). */
  iat?: number;
  /** Lifetime in seconds (default 3600). */
  lifetime?: number;
  /** Claims to add or override; `undefined` values delete the claim. */
  claims?: Record<string, unknown>;
  /** Header fields to add or override. */
  header?: Record<string, unknown>;
}

/** Signs an access token like Gatehouse: `typ: at+jwt`, ES256, `kid`, the RFC 9068 claims. */
export async function signAccessToken(key: TestKey, init: AccessTokenInit): Promise<string> {
  const iat = init.iat ?? Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: init.issuer,
    sub: 'client-1',
    aud: init.audience,
    iat,
    exp: iat + (init.lifetime ?? 3600),
    jti: crypto.randomUUID(),
    client_id: 'client-1',
    scope: init.scope,
    environment: 'default',
  };
  for (const [name, value] of Object.entries(init.claims ?? {})) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...init.header })
    .sign(key.privateKey);
}

/** Joins base64url JSON header and payload with an empty signature (an `alg: none` token). */
export function unsignedToken(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.`;
}
