/**
 * How each kind of route authenticates, as OpenAPI security schemes (OpenAPI 3.0 §4.7.27) and
 * requirements. A context declares its kind once (auth/authentication-kind.ts); every route
 * registered in it then gets the matching `security` (openapi/document-routes.ts), so a new
 * route can't leave it out.
 * @packageDocumentation
 */
import { CSRF_HEADER, SESSION_COOKIE } from '../auth/session.js';
import type { Authentication } from '../auth/authentication-kind.js';

/** One OpenAPI security requirement: scheme name → scopes (always none here). */
export type SecurityRequirement = Record<string, string[]>;

/**
 * The security schemes of the document. OpenAPI has no scheme type for credentials in the body:
 * `client_secret_post` and `private_key_jwt` are OAuth 2.0 client-credentials flows whose
 * description names where the credentials go (parameters of the request body, documented there).
 * Their `tokenUrl` is relative, like the document's server: the server that serves the document.
 */
export function securitySchemes(): Record<string, Record<string, unknown>> {
  const flows = { clientCredentials: { tokenUrl: '/oauth/token', scopes: {} } };
  return {
    client_secret_basic: {
      type: 'http',
      scheme: 'basic',
      description:
        'OAuth endpoints: the client id and secret in `Authorization: Basic` (RFC 6749 §2.3.1), each form-urlencoded first. Send no client_secret in the body then.',
    },
    client_secret_post: {
      type: 'oauth2',
      flows,
      description:
        'OAuth endpoints: `client_id` and `client_secret` as parameters of the request body (RFC 6749 §2.3.1), no Authorization header.',
    },
    private_key_jwt: {
      type: 'oauth2',
      flows,
      description:
        "OAuth endpoints: `client_assertion_type` and `client_assertion` (a JWT signed with one of the integration's registered keys) in the request body (RFC 7523 §2.2).",
    },
    bearer: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An access token from `POST /oauth/token` in `Authorization: Bearer` (RFC 6750 §2.1).',
    },
    dpop: {
      type: 'http',
      scheme: 'dpop',
      description:
        'A DPoP-bound access token in `Authorization: DPoP`, with a `DPoP` header holding a proof for this request signed by the bound key (RFC 9449 §7).',
    },
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
      description: 'The console session cookie, set by `POST /api/v1/session`.',
    },
    csrf: {
      type: 'apiKey',
      in: 'header',
      name: CSRF_HEADER,
      description:
        "With the session cookie, on every method but GET and HEAD: the session's CSRF token (answered at sign-in).",
    },
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The security requirements (alternatives) of a route of `kind` for `method`; `[]` for public routes. */
export function securityOf(kind: Authentication, method: string): SecurityRequirement[] {
  const session: SecurityRequirement = SAFE_METHODS.has(method) ? { session: [] } : { session: [], csrf: [] };
  switch (kind) {
    case 'client':
      return [{ client_secret_basic: [] }, { client_secret_post: [] }, { private_key_jwt: [] }];
    case 'caller':
      return [{ bearer: [] }, { dpop: [] }, session];
    case 'session':
      return [session];
    case 'none':
      return [];
  }
}
