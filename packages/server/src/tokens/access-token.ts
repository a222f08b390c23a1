/**
 * Minting RFC 9068 JWT access tokens: header `typ: at+jwt`, `alg: ES256`, `kid`; claims
 * `iss sub aud exp iat jti client_id scope environment`.
 * @packageDocumentation
 */
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import type { AccessTokenClaims } from '@gatehouse/contracts';
import type { LoadedKey } from '../keys/key-ring.js';
import { SIGNING_ALG } from '../keys/signing-keys.js';

/** The `typ` header of access tokens (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** A fresh `jti`: 16 random bytes, base64url. */
export function newJti(): string {
  return randomBytes(16).toString('base64url');
}

/** Signs `claims` with `key` (RFC 9068 §2). */
export function signAccessToken(claims: AccessTokenClaims, key: LoadedKey): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: SIGNING_ALG, typ: ACCESS_TOKEN_TYP, kid: key.kid }).sign(key.privateKey);
}
