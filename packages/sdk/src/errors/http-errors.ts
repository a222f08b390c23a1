/**
 * Errors of HTTP exchanges with the authorization server: token endpoint and RFC 8414 discovery.
 * @packageDocumentation
 */
import type { OAuthErrorCode } from '@gatehouse/contracts';
import { GatehouseError } from './gatehouse-error.js';

/**
 * An HTTP answer with an unexpected status from a server that speaks no error vocabulary of its
 * own (for instance RFC 8414 metadata answering 503). `status` is the HTTP status and
 * `retryAfter` the `Retry-After` delay in seconds when the server sent one.
 *
 * @example
 * ```ts
 * source.getToken().catch((err) => {
 *   if (err instanceof HttpError && err.status >= 500) console.warn('authorization server down');
 * });
 * ```
 */
export class HttpError extends GatehouseError {
  override readonly code: string = 'ERR_HTTP';
  /** HTTP status of the answer. */
  readonly status: number;
  /** `Retry-After` in seconds, when the server sent one. */
  readonly retryAfter: number | undefined;

  constructor(message: string, init: { status: number; retryAfter?: number | undefined }) {
    super(message);
    this.status = init.status;
    this.retryAfter = init.retryAfter;
  }
}

/**
 * The authorization server answered with an RFC 6749 §5.2 error (or a 429/5xx without one).
 * `error` is the OAuth code (`invalid_client`, `invalid_scope`, `invalid_target`,
 * `temporarily_unavailable`, ...); `status` the HTTP status; `retryAfter` the `Retry-After`
 * delay in seconds when the server sent one.
 *
 * @example
 * ```ts
 * try {
 *   await source.getToken();
 * } catch (err) {
 *   if (err instanceof OAuthError && err.error === 'invalid_client') rotateCredentials();
 * }
 * ```
 */
export class OAuthError extends HttpError {
  override readonly code = 'ERR_OAUTH';
  /** RFC 6749 §5.2 `error` code. */
  readonly error: OAuthErrorCode | (string & {});
  /** RFC 6749 §5.2 `error_description`, when the server sent one. */
  readonly errorDescription: string | undefined;

  constructor(init: {
    error: string;
    errorDescription?: string | undefined;
    status: number;
    retryAfter?: number | undefined;
  }) {
    const why = init.errorDescription ? `: ${init.errorDescription}` : '';
    super(`token endpoint answered ${init.status} ${init.error}${why}`, init);
    this.error = init.error;
    this.errorDescription = init.errorDescription;
  }
}

/**
 * The request never got an HTTP answer (DNS, connection refused, reset, timeout).
 * The original error is in `cause`.
 *
 * @example
 * ```ts
 * source.getToken().catch((err) => {
 *   if (err instanceof NetworkError) console.warn('authorization server unreachable', err.cause);
 * });
 * ```
 */
export class NetworkError extends GatehouseError {
  override readonly code = 'ERR_NETWORK';
}

/**
 * The server answered 2xx with something the SDK cannot use: not JSON, a token response without
 * `access_token`, RFC 8414 metadata whose `issuer` differs from the configured one (§3.3).
 *
 * @example
 * ```ts
 * source.getToken().catch((err) => {
 *   if (err.code === 'ERR_INVALID_RESPONSE') alertOperator(err.message);
 * });
 * ```
 */
export class InvalidResponseError extends GatehouseError {
  override readonly code = 'ERR_INVALID_RESPONSE';
}
