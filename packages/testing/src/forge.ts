/** Builds hostile tokens for resource-server tests (docs/security.md section C). */
import { SignJWT, type JWTPayload } from 'jose';
import type { TestServer } from './server.js';
import { ISSUER } from './server.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Claims of a valid Environment API token for `clientId` at the server's current time. */
export function claims(t: TestServer, clientId: string, over: Record<string, unknown> = {}): JWTPayload {
  const now = t.clock.seconds();
  return {
    iss: ISSUER,
    sub: clientId,
    aud: t.config.audience,
    exp: now + 3600,
    iat: now,
    jti: `j${Math.random().toString(36).slice(2)}`,
    client_id: clientId,
    scope: 'projects:read media:read',
    environment: 'default',
    ...over,
  };
}

/** Signs `payload` with the server's own active key and `header` overrides. */
export function signOwn(t: TestServer, payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const key = t.server.runtime.keys.signingKey();
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...header })
    .sign(key.privateKey);
}

/** A compact JWS from raw parts: header and payload objects or raw JSON strings, signature as given. */
export function raw(header: unknown, payload: unknown, signature = ''): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

/** Re-signs nothing: swaps the payload of a real token, keeping its signature. */
export function swapPayload(token: string, payload: unknown): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64(payload)}.${s}`;
}
