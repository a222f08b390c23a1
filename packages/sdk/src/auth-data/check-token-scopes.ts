/**
 * The rule that keeps tokens able to write away from browsers.
 * @packageDocumentation
 * @internal
 */
import { decodeJwt, type JWTPayload } from 'jose';
import { InvalidResponseError } from '../errors/http-errors.js';
import { WriteScopeError } from '../errors/write-scope-error.js';
import { splitScope } from '../util/scope.js';

/**
 * Which scopes a token handed to a browser may hold: a list, or a predicate on each scope.
 *
 * @example
 * ```ts
 * createAuthData({ tokenSource, apiUrl, allowScopes: [...FRONT_END_SCOPES, 'outputs:create'] });
 * ```
 */
export type ScopeAllowance = readonly string[] | ((scope: string) => boolean);

/**
 * The default allowance: the content read scopes of the Environment API, which the `read-only`
 * preset grants (`projects:read media:read fonts:read`). Management read scopes such as
 * `customers:read`, `integrations:read` or `audit:read` end in `:read` too, yet expose other
 * people's data, so an allowlist, never a suffix rule, decides.
 */
export const FRONT_END_SCOPES: readonly string[] = Object.freeze(['projects:read', 'media:read', 'fonts:read']);

/**
 * Decodes (without verifying: the token comes from our own token source) the token's claims and
 * throws {@link WriteScopeError} when its `scope` claim is missing or holds a scope outside `allow`.
 *
 * @returns the decoded claims.
 */
export function checkTokenScopes(token: string, allow: ScopeAllowance): JWTPayload {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new InvalidResponseError('the token source returned something that is not a JWT');
  }
  if (typeof claims.scope !== 'string') {
    throw new WriteScopeError('the token has no scope claim, so it cannot be shown to be read-only', []);
  }
  const allowed = typeof allow === 'function' ? allow : (scope: string) => allow.includes(scope);
  const refused = splitScope(claims.scope).filter((scope) => !allowed(scope));
  if (refused.length > 0) {
    throw new WriteScopeError(
      `refusing to hand out a token holding scopes outside allowScopes: ${refused.join(' ')}`,
      refused,
    );
  }
  return claims;
}
