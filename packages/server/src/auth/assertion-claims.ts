/**
 * The claims of a `private_key_jwt` client assertion (RFC 7523 §3, draft-ietf-oauth-rfc7523bis),
 * checked before any key is looked at: they depend only on the request and this server's
 * configuration, so an unknown client and a known one get the same answer (docs/security.md A-3).
 * Each failure names the check, never a claim's value.
 * @packageDocumentation
 */
import { InvalidClientAssertion } from '../errors/oauth-error.js';

/** What the claims are checked against. Times in seconds. */
export interface AssertionClaimRules {
  /** The client the request names (body `client_id`, else the assertion's `sub`). */
  clientId: string;
  /** This server's issuer identifier (`GATEHOUSE_ISSUER`). */
  issuer: string;
  /** Tolerated clock skew, seconds (`GATEHOUSE_CLOCK_SKEW`). */
  clockSkew: number;
  /** How far ahead `exp` may be, seconds (`GATEHOUSE_ASSERTION_MAX_LIFETIME`). */
  maxLifetime: number;
  /** Now, seconds since the epoch. */
  now: number;
}

/** Longest accepted `jti`, characters. */
const MAX_JTI_LENGTH = 256;

/**
 * The audiences an assertion may name: the issuer identifier, as draft-ietf-oauth-rfc7523bis asks,
 * and for compatibility the token endpoint URL (RFC 7523 §3 allowed it; clients such as authlib
 * default to it). Either as a string or as an array of exactly that one element: an array naming
 * other parties too is refused, since the assertion could then be replayed at them.
 */
export function acceptedAudiences(issuer: string): readonly string[] {
  return [issuer, `${issuer}/oauth/token`];
}

/**
 * Checks `iss`, `sub`, `aud`, `exp`, `iat`, `nbf` and `jti` of an assertion's (not yet verified)
 * payload.
 * @returns the assertion's `exp` (seconds) and `jti`, for the replay store.
 * @throws InvalidClientAssertion (`issuer_subject`, `audience`, `lifetime`, `jti`) for the first failed check.
 */
export function checkAssertionClaims(
  payload: Readonly<Record<string, unknown>>,
  rules: AssertionClaimRules,
): { exp: number; jti: string } {
  const { clientId, issuer, clockSkew, maxLifetime, now } = rules;
  if (payload.iss !== clientId || payload.sub !== clientId)
    throw new InvalidClientAssertion('issuer_subject', 'iss and sub must both be the client_id');
  const aud = Array.isArray(payload.aud) && payload.aud.length === 1 ? payload.aud[0] : payload.aud;
  if (typeof aud !== 'string' || !acceptedAudiences(issuer).includes(aud))
    throw new InvalidClientAssertion(
      'audience',
      `aud must be this server's issuer identifier ${JSON.stringify(issuer)}, as a single value`,
    );
  const { exp, iat, nbf, jti } = payload;
  const lifetime = (description: string) => new InvalidClientAssertion('lifetime', description);
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    throw lifetime('exp must be present, in seconds since the epoch');
  if (exp + clockSkew <= now) throw lifetime("the assertion has expired (check the client's clock)");
  if (iat !== undefined && (typeof iat !== 'number' || iat > now + clockSkew))
    throw lifetime("iat must not be in the future (check the client's clock)");
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + clockSkew))
    throw lifetime("nbf must not be in the future (check the client's clock)");
  if (exp > now + maxLifetime + clockSkew)
    throw lifetime(`exp must be at most ${maxLifetime} seconds ahead (GATEHOUSE_ASSERTION_MAX_LIFETIME)`);
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
    throw new InvalidClientAssertion('jti', `jti must be present, 1 to ${MAX_JTI_LENGTH} characters`);
  return { exp, jti };
}
