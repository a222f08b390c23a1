/**
 * The one place that turns verification errors into RFC 6750 §3 answers.
 * @packageDocumentation
 * @internal
 */
import {
  BearerRequestError,
  InsufficientScopeError,
  JwksUnavailableError,
  TokenExpiredError,
  TokenMissingError,
  type TokenVerificationError,
} from '../errors/verification-errors.js';

/** An HTTP answer: status, headers and JSON body. */
export interface ChallengeAnswer {
  status: number;
  headers: Record<string, string>;
  body: { error?: string; error_description?: string; scope?: string };
}

/** A quoted-string (RFC 9110 §5.6.4) with `"` and `\` escaped. */
const quote = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;

function challenge(realm: string, params: Record<string, string> = {}): string {
  const parts = [`realm=${quote(realm)}`, ...Object.entries(params).map(([k, v]) => `${k}=${quote(v)}`)];
  return `Bearer ${parts.join(', ')}`;
}

/**
 * The RFC 6750 answer for a verification failure:
 * - no token → 401 `WWW-Authenticate: Bearer realm="…"` without `error` (§3.1);
 * - malformed header → 400 `error="invalid_request"`;
 * - invalid or expired token → 401 `error="invalid_token"`;
 * - missing scope → 403 `error="insufficient_scope", scope="…"`;
 * - JWKS unreachable → 503 `temporarily_unavailable` (the client is not at fault).
 * Descriptions are fixed strings: no token material or library messages reach the client.
 */
export function bearerChallenge(err: TokenVerificationError, realm: string): ChallengeAnswer {
  const noStore = { 'cache-control': 'no-store' };
  if (err instanceof TokenMissingError) {
    return { status: 401, headers: { ...noStore, 'www-authenticate': challenge(realm) }, body: { error_description: 'a bearer token is required' } };
  }
  if (err instanceof BearerRequestError) {
    const body = { error: 'invalid_request', error_description: 'malformed Authorization header' };
    return { status: 400, headers: { ...noStore, 'www-authenticate': challenge(realm, body) }, body };
  }
  if (err instanceof InsufficientScopeError) {
    const body = { error: 'insufficient_scope', error_description: 'the access token lacks a required scope', scope: err.scopes.join(' ') };
    return { status: 403, headers: { ...noStore, 'www-authenticate': challenge(realm, body) }, body };
  }
  if (err instanceof JwksUnavailableError) {
    return { status: 503, headers: { ...noStore, 'retry-after': '5' }, body: { error: 'temporarily_unavailable', error_description: 'signing keys are unavailable' } };
  }
  const description = err instanceof TokenExpiredError ? 'the access token expired' : 'the access token is invalid';
  const body = { error: 'invalid_token', error_description: description };
  return { status: 401, headers: { ...noStore, 'www-authenticate': challenge(realm, body) }, body };
}
