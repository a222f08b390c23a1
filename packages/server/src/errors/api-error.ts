/**
 * Errors of the Environment and management APIs at the HTTP edge: RFC 6750 bearer errors and
 * {@link ApiError}s with their status and headers.
 * @packageDocumentation
 */
import type { ApiErrorCode } from '@gatehouse/contracts';
import { OAuthError } from './oauth-error.js';

/** The realm in every `WWW-Authenticate: Bearer` challenge. */
export const REALM = 'gatehouse';

/** Signing algorithms accepted in DPoP proofs, as the `algs` of a DPoP challenge (RFC 9449 §7.1). */
export const DPOP_CHALLENGE_ALGS = 'ES256 ES384 RS256 RS384 RS512 PS256 PS384 PS512 EdDSA';

/**
 * 401 `invalid_token` (RFC 6750 §3.1). The description stays generic. `scheme` `DPoP` answers a
 * request that used the DPoP scheme with a DPoP challenge naming the accepted algorithms (RFC 9449 §7.1).
 */
export class InvalidToken extends OAuthError {
  constructor(description = 'the access token is invalid', scheme: 'Bearer' | 'DPoP' = 'Bearer') {
    const params = `error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`;
    super('invalid_token', 401, description, {
      'www-authenticate':
        scheme === 'DPoP' ? `DPoP algs="${DPOP_CHALLENGE_ALGS}", ${params}` : `Bearer realm="${REALM}", ${params}`,
    });
  }
}

/**
 * Adds `resource_metadata` (RFC 9728 §5.1) to the challenge of a 401 answered by a protected
 * resource, so a client finds the resource's metadata, and through it the authorization server.
 * Other errors pass unchanged.
 * @param metadataUrl - absolute URL of the resource's `/.well-known/oauth-protected-resource`
 */
export function withResourceMetadata<E>(err: E, metadataUrl: string): E {
  if ((err instanceof OAuthError || err instanceof ApiError) && err.status === 401 && err.headers['www-authenticate']) {
    err.headers['www-authenticate'] += `, resource_metadata="${metadataUrl}"`;
  }
  return err;
}

/** 400 `invalid_request` on a bearer-protected route (RFC 6750 §3.1), e.g. a token sent twice. */
export class BearerInvalidRequest extends OAuthError {
  constructor(description: string) {
    super('invalid_request', 400, description, {
      'www-authenticate': `Bearer realm="${REALM}", error="invalid_request"`,
    });
  }
}

/**
 * 403 `insufficient_scope` naming the scope needed (RFC 6750 §3.1) in the challenge; `description`
 * says why in words when "this request needs the scope" would mislead (the target holds it).
 */
export class InsufficientScope extends OAuthError {
  constructor(scope: string, description = `this request needs the scope ${scope}`) {
    super('insufficient_scope', 403, description, {
      'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${scope}"`,
    });
  }
}

/**
 * An API error carrying HTTP details (status, challenge headers) that authentication raises at
 * the edge, e.g. {@link MissingBearer}. Services throw domain errors instead (domain-errors.ts).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly headers: Record<string, string>;
  constructor(status: number, code: ApiErrorCode, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/**
 * 401 with `WWW-Authenticate: Bearer realm="gatehouse"` and no error code: the request carried no
 * credentials (RFC 6750 §3.1), so the body says `unauthorized` rather than an RFC 6750 code.
 */
export class MissingBearer extends ApiError {
  constructor() {
    super(401, 'unauthorized', 'authentication required', { 'www-authenticate': `Bearer realm="${REALM}"` });
  }
}
