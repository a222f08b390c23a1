/**
 * Named responses: what each status means, with the error body of each format (RFC 6749 §5.2 on
 * the OAuth endpoints; the APIs' `{error, error_description}`, the same shape). A route may give a
 * response its own words (`description` on the response schema); the rest get these.
 * @packageDocumentation
 */
import { ApiError, OAuthErrorBody } from '@gatehouse/contracts';
import type { Authentication } from '../auth/authentication-kind.js';

/** What a status means on the APIs (Environment, management, console). */
const API_STATUS: Readonly<Record<string, string>> = {
  200: 'Done: the resource or result.',
  201: 'Created: the new resource.',
  204: 'Done: no content.',
  302: 'Redirect.',
  303: 'Redirect (See Other).',
  400: 'Invalid request: a parameter or the body is malformed or out of bounds (`invalid_request`); nothing changed.',
  401: 'No valid credentials (`unauthorized`, `invalid_token` with a `WWW-Authenticate` challenge).',
  403: 'Authenticated but not allowed (`forbidden`, `insufficient_scope`, `invalid_csrf_token`, `totp_required`).',
  404: 'Not found, or not visible to the caller (`not_found`).',
  409: 'Conflict with the current state (`conflict`); nothing changed.',
  413: 'Body too large.',
  415: 'Unsupported content type.',
  429: 'Too many attempts: wait for `Retry-After` seconds (`temporarily_unavailable`).',
  503: 'The store is unavailable: try again (`temporarily_unavailable`); nothing changed.',
};

/** What a status means on the OAuth endpoints (RFC 6749 §5.2 error codes). */
const OAUTH_STATUS: Readonly<Record<string, string>> = {
  ...API_STATUS,
  400: 'OAuth error (RFC 6749 §5.2): `invalid_request`, `unsupported_grant_type`, `invalid_grant`, `invalid_scope`, `invalid_target`, `unauthorized_client`, `invalid_dpop_proof`.',
  401: 'Client authentication failed (`invalid_client`, RFC 6749 §5.2), with a `WWW-Authenticate: Basic` challenge when Basic was used.',
  429: 'Too many failed client authentications from this client or address: wait for `Retry-After` seconds.',
  503: 'The store is unavailable: `temporarily_unavailable` (RFC 6749 §5.2); try again.',
};

/** The description of `status` on a route of `kind`. */
export function statusDescription(kind: Authentication, status: string): string {
  const table = kind === 'client' ? OAUTH_STATUS : API_STATUS;
  return table[status] ?? (status.startsWith('2') ? 'Done.' : 'Error (`{error, error_description}`).');
}

/** A typical error body per status on the APIs, as the examples of their error responses. */
const API_ERROR_EXAMPLE: Readonly<Record<string, readonly [string, string]>> = {
  400: ['invalid_request', 'invalid body: name must be at most 200 characters'],
  401: ['invalid_token', 'the access token is expired'],
  403: ['insufficient_scope', 'this action needs the integrations:write scope'],
  404: ['not_found', 'integration not found'],
  409: ['conflict', 'an environment with this slug exists'],
  429: ['temporarily_unavailable', 'too many attempts: try again later'],
  503: ['temporarily_unavailable', 'the store is unavailable: try again'],
};

/** A typical RFC 6749 §5.2 error body per status on the OAuth endpoints. */
const OAUTH_ERROR_EXAMPLE: Readonly<Record<string, readonly [string, string]>> = {
  ...API_ERROR_EXAMPLE,
  400: ['invalid_scope', 'scope "invoices:write" is not granted to this client'],
  401: ['invalid_client', 'client authentication failed'],
  429: ['temporarily_unavailable', 'too many failed authentications: try again later'],
};

/** The example of an error response of `status` on a route of `kind` (undefined below 400). */
export function errorExample(kind: Authentication, status: string): Record<string, string> | undefined {
  const example = (kind === 'client' ? OAUTH_ERROR_EXAMPLE : API_ERROR_EXAMPLE)[status];
  return example && { error: example[0], error_description: example[1] };
}

/** The error body of a route of `kind`. */
export function errorBody(kind: Authentication): typeof ApiError | typeof OAuthErrorBody {
  return kind === 'client' ? OAuthErrorBody : ApiError;
}

/**
 * Error statuses every route of an authenticating kind can answer (its hook refuses before the
 * handler runs), added where the route does not list them.
 */
export function implicitErrors(kind: Authentication): readonly string[] {
  if (kind === 'caller' || kind === 'session') return ['401', '403', '503'];
  if (kind === 'client') return ['400', '401', '503'];
  return [];
}

/** `schema` with a response description (kept as the schema's own `description`). */
export function described<T extends object>(schema: T, description: string): T & { description: string } {
  return { ...schema, description };
}

/**
 * A JSON document answered as it is (discovery metadata, a JWKS): every member passes, none is
 * dropped by the serializer.
 */
export function jsonDocument(description: string): Record<string, unknown> {
  return { type: 'object', additionalProperties: true, description };
}

/** A response without a body (a redirect), described. */
export function noBody(description: string): Record<string, unknown> {
  return { type: 'null', description };
}
