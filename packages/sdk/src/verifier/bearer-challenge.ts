/**
 * The one place that turns verification errors into RFC 6750 §3 answers.
 * @packageDocumentation
 * @internal
 */
import {
  BearerRequestError,
  DpopProofError,
  InsufficientScopeError,
  JwksUnavailableError,
  TokenExpiredError,
  TokenMissingError,
  type TokenVerificationError,
} from '../errors/verification-errors.js';
import { DEFAULT_DPOP_ALGS } from './dpop-proof.js';

/** An HTTP answer: status, headers and JSON body. */
export interface ChallengeAnswer {
  status: number;
  headers: Record<string, string>;
  body: { error?: string; error_description?: string; scope?: string };
}

/** A quoted-string (RFC 9110 §5.6.4) with `"` and `\` escaped. */
const quote = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;

/**
 * What challenges carry besides the error: the DPoP algorithms (a `DPoP` challenge, RFC 9449
 * §7.1) and the RFC 9728 §5.1 `resource_metadata` URL on 401s.
 */
export interface ChallengeContext {
  dpopAlgorithms?: readonly string[] | undefined;
  /** Offer `DPoP` beside `Bearer` when no token was sent (the verifier has `dpop` options). */
  offerDpop?: boolean | undefined;
  resourceMetadata?: string | undefined;
}

const params = (entries: Record<string, string>): string[] =>
  Object.entries(entries).map(([k, v]) => `${k}=${quote(v)}`);

function challenge(
  realm: string,
  errorParams: Record<string, string> = {},
  ctx: ChallengeContext = {},
  status = 0,
): string {
  const metadata: Record<string, string> =
    status === 401 && ctx.resourceMetadata !== undefined ? { resource_metadata: ctx.resourceMetadata } : {};
  return `Bearer ${params({ realm, ...errorParams, ...metadata }).join(', ')}`;
}

/** The `DPoP algs="…"` challenge (RFC 9449 §7.1), with the error when there is one. */
function dpopChallenge(ctx: ChallengeContext, errorParams: Record<string, string> = {}): string {
  const metadata: Record<string, string> =
    ctx.resourceMetadata !== undefined ? { resource_metadata: ctx.resourceMetadata } : {};
  return `DPoP ${params({ algs: (ctx.dpopAlgorithms ?? DEFAULT_DPOP_ALGS).join(' '), ...errorParams, ...metadata }).join(', ')}`;
}

/**
 * The RFC 6750 answer for a verification failure:
 * - no token → 401 `WWW-Authenticate: Bearer realm="…"` without `error` (§3.1);
 * - malformed header → 400 `error="invalid_request"`;
 * - invalid or expired token → 401 `error="invalid_token"`;
 * - missing scope → 403 `error="insufficient_scope", scope="…"`;
 * - JWKS unreachable → 503 `temporarily_unavailable` (the client is not at fault).
 * - DPoP failure (RFC 9449 §7.1) → 401 `WWW-Authenticate: DPoP algs="…", error="invalid_token"`.
 * With DPoP enabled, a 401 without a token offers both `Bearer` and `DPoP`; with resource
 * metadata, every 401 challenge carries `resource_metadata="…"` (RFC 9728 §5.1).
 * Descriptions are fixed strings: no token material or library messages reach the client.
 */
export function bearerChallenge(
  err: TokenVerificationError,
  realm: string,
  ctx: ChallengeContext = {},
): ChallengeAnswer {
  const noStore = { 'cache-control': 'no-store' };
  if (err instanceof TokenMissingError) {
    const offers = [challenge(realm, {}, ctx, 401), ...(ctx.offerDpop === true ? [dpopChallenge(ctx)] : [])].join(', ');
    return {
      status: 401,
      headers: { ...noStore, 'www-authenticate': offers },
      body: { error_description: 'a bearer token is required' },
    };
  }
  if (err instanceof DpopProofError) {
    const body = { error: 'invalid_token', error_description: 'the DPoP proof or binding is invalid' };
    return { status: 401, headers: { ...noStore, 'www-authenticate': dpopChallenge(ctx, body) }, body };
  }
  if (err instanceof BearerRequestError) {
    const body = { error: 'invalid_request', error_description: 'malformed Authorization header' };
    return { status: 400, headers: { ...noStore, 'www-authenticate': challenge(realm, body) }, body };
  }
  if (err instanceof InsufficientScopeError) {
    const body = {
      error: 'insufficient_scope',
      error_description: 'the access token lacks a required scope',
      scope: err.scopes.join(' '),
    };
    return { status: 403, headers: { ...noStore, 'www-authenticate': challenge(realm, body) }, body };
  }
  if (err instanceof JwksUnavailableError) {
    return {
      status: 503,
      headers: { ...noStore, 'retry-after': '5' },
      body: { error: 'temporarily_unavailable', error_description: 'signing keys are unavailable' },
    };
  }
  const description = err instanceof TokenExpiredError ? 'the access token expired' : 'the access token is invalid';
  const body = { error: 'invalid_token', error_description: description };
  return { status: 401, headers: { ...noStore, 'www-authenticate': challenge(realm, body, ctx, 401) }, body };
}
