/**
 * Mapping of jose's errors to the SDK's verification errors.
 * @packageDocumentation
 * @internal
 */
import { errors } from 'jose';
import {
  JwksUnavailableError,
  TokenExpiredError,
  TokenInvalidError,
  TokenVerificationError,
} from '../errors/verification-errors.js';

/** jose codes of a key set that answered but holds no usable key for this token: the token's fault. */
const KEY_LOOKUP_CODES = new Set([
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_NOT_SUPPORTED',
]);

/**
 * Classifies an error thrown while resolving the verification key: a missing or ambiguous key is
 * the token's fault (rethrown as is); anything else (network, timeout, non-200, not a key set)
 * means the JWKS is unavailable.
 */
export function mapKeyError(err: unknown): unknown {
  if (err instanceof errors.JOSEError && KEY_LOOKUP_CODES.has(err.code)) return err;
  return new JwksUnavailableError('the JSON Web Key Set could not be fetched', { cause: err });
}

/** Maps anything `jwtVerify` threw to a {@link TokenVerificationError}. */
export function mapVerifyError(err: unknown): TokenVerificationError {
  if (err instanceof TokenVerificationError) return err;
  if (err instanceof errors.JWTExpired) return new TokenExpiredError('the access token expired', { cause: err });
  const reason = err instanceof Error ? err.message : 'unknown failure';
  return new TokenInvalidError(`the access token is invalid: ${reason}`, { cause: err });
}
