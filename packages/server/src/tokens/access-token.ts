/**
 * Minting RFC 9068 JWT access tokens: header `typ: at+jwt`, `alg: ES256`, `kid`; claims
 * `iss sub aud exp iat jti client_id scope environment`.
 * @packageDocumentation
 */
import { SignJWT } from 'jose';
import type { AccessTokenClaims } from '@gatehouse/contracts';
import type { LoadedKey } from '../keys/key-ring.js';
import { SIGNING_ALG } from '../keys/signing-keys.js';
import { generateTimeOrderedId } from '../store/time-ordered-id.js';

/** The `typ` header of access tokens (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/**
 * A fresh `jti` (RFC 7519 §4.1.7): the issue time then 80 random bits, 16 bytes base64url.
 * Time-ordered so that `issued_tokens` rows of a group commit share index pages.
 * @param nowMs - issue time, milliseconds
 */
export function newJti(nowMs: number): string {
  return generateTimeOrderedId(nowMs);
}

/** Signs `claims` with `key` (RFC 9068 §2). */
export function signAccessToken(claims: AccessTokenClaims, key: LoadedKey): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: SIGNING_ALG, typ: ACCESS_TOKEN_TYP, kid: key.kid })
    .sign(key.privateKey);
}
