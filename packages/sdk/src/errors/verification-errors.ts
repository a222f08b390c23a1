/**
 * Errors of access-token verification (RFC 6750, RFC 9068), each with a stable `code`.
 * @packageDocumentation
 */
import { GatehouseError } from './gatehouse-error.js';

/**
 * Base class of every verification failure. The middlewares turn these into RFC 6750 answers.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (err) {
 *   if (err instanceof TokenVerificationError) console.info(err.code);
 * }
 * ```
 */
export class TokenVerificationError extends GatehouseError {
  override readonly code: string = 'ERR_TOKEN_VERIFICATION';
}

/**
 * No bearer token was presented (no `Authorization` header, or another scheme such as `Basic`).
 * Answered with 401 and a `WWW-Authenticate: Bearer realm="…"` challenge without `error` (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * await verifier.verify('').catch((err) => err.code); // 'ERR_TOKEN_MISSING'
 * ```
 */
export class TokenMissingError extends TokenVerificationError {
  override readonly code = 'ERR_TOKEN_MISSING';
}

/**
 * The `Authorization` header uses the Bearer scheme but is malformed (`Bearer` with no token,
 * `Bearer a b`). Answered with 400 `error="invalid_request"` (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * bearerToken('Bearer a b'); // throws BearerRequestError, code 'ERR_BEARER_REQUEST_INVALID'
 * ```
 */
export class BearerRequestError extends TokenVerificationError {
  override readonly code = 'ERR_BEARER_REQUEST_INVALID';
}

/**
 * The token is not a valid Gatehouse access token: bad signature, `alg` other than ES256, `typ`
 * other than `at+jwt`, wrong `iss` or `aud`, missing `exp`/`iat`/`jti`, unknown `kid`, not yet valid.
 * Answered with 401 `error="invalid_token"`.
 *
 * @example
 * ```ts
 * await verifier.verify('not-a-jwt').catch((err) => err.code); // 'ERR_TOKEN_INVALID'
 * ```
 */
export class TokenInvalidError extends TokenVerificationError {
  override readonly code: string = 'ERR_TOKEN_INVALID';
}

/**
 * The token was valid but its `exp` has passed (beyond `clockTolerance`).
 * Answered with 401 `error="invalid_token"`.
 *
 * @example
 * ```ts
 * await verifier.verify(oldToken).catch((err) => err.code); // 'ERR_TOKEN_EXPIRED'
 * ```
 */
export class TokenExpiredError extends TokenVerificationError {
  override readonly code = 'ERR_TOKEN_EXPIRED';
}

/**
 * The token is valid but lacks one of the required scopes, listed in `scopes`.
 * Answered with 403 `error="insufficient_scope", scope="…"` (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * await verifier.verify(token, { scopes: ['projects:write'] })
 *   .catch((err) => err instanceof InsufficientScopeError && err.scopes); // ['projects:write']
 * ```
 */
export class InsufficientScopeError extends TokenVerificationError {
  override readonly code = 'ERR_INSUFFICIENT_SCOPE';
  /** The scopes the request required (all of them, not only the missing ones). */
  readonly scopes: readonly string[];

  constructor(message: string, scopes: readonly string[]) {
    super(message);
    this.scopes = scopes;
  }
}

/**
 * The JWKS could not be fetched or parsed (network error, timeout, non-200, not a key set), so the
 * token could not be checked. Answered with 503: the fault is not the client's.
 *
 * @example
 * ```ts
 * await verifier.verify(token).catch((err) => err.code); // 'ERR_JWKS_UNAVAILABLE' while the issuer is down
 * ```
 */
export class JwksUnavailableError extends TokenVerificationError {
  override readonly code = 'ERR_JWKS_UNAVAILABLE';
}

/**
 * A DPoP-bound token without a valid proof (RFC 9449 §7): a bad or replayed proof, a key other
 * than the token's `cnf.jkt`, or a bound token presented as `Bearer`. Answered with 401
 * `WWW-Authenticate: DPoP algs="…", error="invalid_token"`.
 *
 * @example
 * ```ts
 * await verifier.verifyRequest({ authorization: `Bearer ${boundToken}`, method: 'GET', url }).catch((err) => err.code); // 'ERR_DPOP_PROOF'
 * ```
 */
export class DpopProofError extends TokenInvalidError {
  override readonly code: string = 'ERR_DPOP_PROOF';
}
