/**
 * One `client_credentials` token request (RFC 6749 §4.4), without retries.
 * @packageDocumentation
 * @internal
 */
import { decodeJwt } from 'jose';
import { InvalidResponseError, OAuthError } from '../errors/http-errors.js';
import {
  fetchOrThrow,
  formUrlEncode,
  parseRetryAfter,
  readJsonObject,
  requireJsonObject,
  stringField,
} from '../util/http.js';
import type { Clock, FetchLike } from '../types.js';
import { CLIENT_ASSERTION_TYPE } from './client-assertion.js';
import type { StoredToken } from './token-store.js';

/**
 * RFC 6749 §2.3.1 client authentication methods.
 *
 * @example
 * ```ts
 * createTokenSource({ issuer, clientId, clientSecret, authMethod: 'client_secret_post' });
 * ```
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** What one token request sends: a secret, or a fresh client assertion (`private_key_jwt`, RFC 7523 §2.2) per request. */
export interface TokenRequest {
  clientId: string;
  clientSecret?: string | undefined;
  authMethod: ClientAuthMethod | 'private_key_jwt' | 'none';
  /** Signs a client assertion whose `aud` is the issuer identifier (with `private_key_jwt`). */
  assertion?: (() => Promise<string>) | undefined;
  /** Signs a DPoP proof for `POST endpoint` (RFC 9449 §5); the answer must then be `token_type: DPoP`. */
  dpopProof?: ((htm: string, htu: string) => Promise<string>) | undefined;
  audience?: string | undefined;
  scope?: string | undefined;
  /** Another grant than `client_credentials` (token exchange, RFC 8693) and its own parameters. */
  grant?: { grantType: string; params: Readonly<Record<string, string>> } | undefined;
  /** The JWT bearer grant's `assertion` (RFC 7523 §2.1), read for each request; sent with `authMethod: 'none'`. */
  grantAssertion?: (() => Promise<string>) | undefined;
}

/** Dependencies of one token request. */
export interface TokenRequestDeps {
  fetch: FetchLike;
  clock: Clock;
  timeout: number;
}

/** The `error` to report when a non-2xx answer has no RFC 6749 §5.2 body. */
function fallbackError(status: number): string {
  if (status === 401) return 'invalid_client';
  if (status === 429 || status === 503) return 'temporarily_unavailable';
  return status >= 500 ? 'server_error' : 'invalid_request';
}

/** Seconds the token has left: `expires_in`, else the JWT's `exp` (RFC 6749 §5.1 makes `expires_in` optional). */
function secondsLeft(body: Record<string, unknown>, accessToken: string, nowMs: number): number {
  const expiresIn = body['expires_in'];
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0) return expiresIn;
  try {
    const { exp } = decodeJwt(accessToken);
    if (typeof exp === 'number' && exp * 1000 > nowMs) return exp - nowMs / 1000;
  } catch {
    // not a JWT: fall through
  }
  throw new InvalidResponseError('token response has neither a positive expires_in nor a future exp claim');
}

/**
 * POSTs `grant_type=client_credentials` (or `request.grant`'s) to `endpoint` and returns the token as stored. With a
 * DPoP proof the answer must be a DPoP-bound token (RFC 9449 §5): a Bearer one is refused.
 *
 * @throws {@link OAuthError} with the §5.2 `error` on a non-200 answer (`retryAfter` from
 *   `Retry-After`), {@link NetworkError} when unreachable, {@link InvalidResponseError} on a
 *   malformed 200.
 */
export async function requestToken(
  endpoint: string,
  request: TokenRequest,
  deps: TokenRequestDeps,
): Promise<StoredToken> {
  const form = new URLSearchParams({ grant_type: request.grant?.grantType ?? 'client_credentials' });
  for (const [name, value] of Object.entries(request.grant?.params ?? {})) form.set(name, value);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  if (request.grantAssertion !== undefined) form.set('assertion', await request.grantAssertion());
  if (request.authMethod === 'none') {
    // The grant's assertion authenticates (RFC 7523 §2.1): no client authentication, no client_id.
  } else if (request.assertion !== undefined) {
    if (request.clientId) form.set('client_id', request.clientId);
    form.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
    form.set('client_assertion', await request.assertion());
  } else if (request.authMethod === 'client_secret_basic') {
    headers['authorization'] =
      `Basic ${btoa(`${formUrlEncode(request.clientId)}:${formUrlEncode(request.clientSecret ?? '')}`)}`;
  } else {
    form.set('client_id', request.clientId);
    form.set('client_secret', request.clientSecret ?? '');
  }
  if (request.dpopProof !== undefined) headers['dpop'] = await request.dpopProof('POST', endpoint);
  if (request.audience !== undefined) form.set('audience', request.audience);
  if (request.scope !== undefined) form.set('scope', request.scope);

  const sentAt = deps.clock();
  const response = await fetchOrThrow(
    deps.fetch,
    endpoint,
    { method: 'POST', headers, body: form.toString() },
    deps.timeout,
  );
  if (response.status !== 200) {
    const body = await readJsonObject(response);
    throw new OAuthError({
      status: response.status,
      error: stringField(body, 'error') ?? fallbackError(response.status),
      errorDescription: stringField(body, 'error_description'),
      retryAfter: parseRetryAfter(response.headers.get('retry-after'), deps.clock()),
    });
  }
  const body = await requireJsonObject(response, 'token endpoint');
  const accessToken = stringField(body, 'access_token');
  if (accessToken === undefined || accessToken === '')
    throw new InvalidResponseError('token response has no access_token');
  const expected = request.dpopProof === undefined ? 'bearer' : 'dpop';
  if (stringField(body, 'token_type')?.toLowerCase() !== expected) {
    throw new InvalidResponseError(
      `token response token_type is not ${request.dpopProof === undefined ? 'Bearer' : 'DPoP'}`,
    );
  }
  return {
    access_token: accessToken,
    token_type: request.dpopProof === undefined ? 'Bearer' : 'DPoP',
    scope: stringField(body, 'scope') ?? request.scope ?? '',
    expires_at: sentAt + Math.floor(secondsLeft(body, accessToken, sentAt) * 1000),
    ...(typeof body['issued_token_type'] === 'string' && { issued_token_type: body['issued_token_type'] }),
  };
}
