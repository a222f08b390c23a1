/**
 * Errors of the Environment and management APIs: RFC 6750 bearer errors and plain HTTP ones.
 * @packageDocumentation
 */
import { OAuthError } from './oauth-error.js';

/** The realm in every `WWW-Authenticate: Bearer` challenge. */
export const REALM = 'gatehouse';


/** 401 `invalid_token` (RFC 6750 §3.1). The description stays generic. */
export class InvalidToken extends OAuthError {
  constructor(description = 'the access token is invalid') {
    super('invalid_token', 401, description, {
      'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`,
    });
  }
}

/** 400 `invalid_request` on a bearer-protected route (RFC 6750 §3.1), e.g. a token sent twice. */
export class BearerInvalidRequest extends OAuthError {
  constructor(description: string) {
    super('invalid_request', 400, description, { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_request"` });
  }
}

/** 403 `insufficient_scope` naming the scope needed (RFC 6750 §3.1). */
export class InsufficientScope extends OAuthError {
  constructor(scope: string) {
    super('insufficient_scope', 403, `this request needs the scope ${scope}`, {
      'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${scope}"`,
    });
  }
}

/** A plain API error: 400/401/403/404/409 with an `error` code such as `not_found`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, description: string, headers: Record<string, string> = {}) {
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

/** 404 `not_found`; also what a principal gets for another principal's resource. */
export class NotFound extends ApiError {
  constructor(what = 'resource') {
    super(404, 'not_found', `${what} not found`);
  }
}
