/**
 * Fixed data shared by the child servers of cases (a) and (b) and by their case modules
 * (kept apart from the server entries, which start listening when imported).
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';

/** The Environment API scopes an all-permissions integration holds, space-separated. */
export const ALL_SCOPES = [
  'projects:read',
  'projects:write',
  'media:read',
  'media:write',
  'fonts:read',
  'fonts:write',
  'outputs:create',
  'integrations:read',
  'integrations:write',
  'customers:read',
  'customers:write',
].join(' ');

/**
 * A JSON body `{access_token, token_type, expires_in, scope}` of exactly `size` bytes, whose
 * `access_token` looks like a compact ES256 JWT (three base64url parts).
 */
export function tokenBody(size = 700): string {
  const shell = (token: string) =>
    JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: ALL_SCOPES });
  const tokenLength = Math.max(size - shell('').length, 100);
  const signature = randomBytes(64).toString('base64url');
  const header = Buffer.from('{"alg":"ES256","typ":"at+jwt","kid":"bench"}').toString('base64url');
  const payloadLength = tokenLength - header.length - signature.length - 2;
  const payload = randomBytes(payloadLength).toString('base64url').slice(0, payloadLength);
  return shell(`${header}.${payload}.${signature}`);
}

/** Credentials of the single oidc-provider client of case (b). */
export const OIDC_CLIENT_ID = 'bench-client';
export const OIDC_CLIENT_SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
/** Resource indicator (JWT `aud`) of case (b)'s tokens. */
export const OIDC_RESOURCE = 'https://api.gatehouse.bench/';
