/**
 * Reading a bearer token from the `Authorization` header (RFC 6750 §2.1).
 * @packageDocumentation
 */
import { BearerRequestError, TokenMissingError } from '../errors/verification-errors.js';

/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Extracts the token of an `Authorization: Bearer <token>` header. The scheme is matched
 * case-insensitively; the header is the only place a token is accepted (no query, no body).
 *
 * @param authorization - the header value as the framework gives it (a string, an array when
 *   repeated, or `undefined`).
 * @returns the token.
 * @throws {@link TokenMissingError} when there is no header or it uses another scheme;
 *   {@link BearerRequestError} when it is repeated, or `Bearer` is followed by no token, several
 *   tokens or characters outside `b64token`.
 *
 * @example
 * ```ts
 * bearerToken('bearer eyJhbGciOi...'); // 'eyJhbGciOi...'
 * bearerToken(undefined); // throws TokenMissingError
 * ```
 */
export function bearerToken(authorization: string | readonly string[] | null | undefined): string {
  if (authorization === undefined || authorization === null || authorization === '') {
    throw new TokenMissingError('no Authorization header');
  }
  if (typeof authorization !== 'string') {
    if (authorization.length === 1 && authorization[0] !== undefined) return bearerToken(authorization[0]);
    throw new BearerRequestError('more than one Authorization header');
  }
  const value = authorization.trim();
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') throw new TokenMissingError(`Authorization scheme is not Bearer`);
  const token = space === -1 ? '' : value.slice(space + 1).trim();
  if (token === '') throw new BearerRequestError('Bearer scheme without a token');
  if (!B64TOKEN.test(token)) throw new BearerRequestError('malformed bearer token');
  return token;
}
