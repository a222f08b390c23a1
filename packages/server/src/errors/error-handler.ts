/**
 * The one place that decides what a client may see of an error (cf. node-oidc-provider's err_out).
 * OAuth and API errors pass as they are; domain errors are answered with their status
 * (domain-errors.ts's `httpStatusOf`) and code; store outages become 503 `temporarily_unavailable`; Fastify's
 * own 4xx become `invalid_request`; everything else becomes 500 `server_error` and is logged.
 * Two handlers share it: {@link errorHandler} on the root (the APIs' `{error, error_description}`
 * format) and {@link oauthErrorHandler}, which the OAuth endpoints' encapsulated context sets
 * (RFC 6749 §5.2: `Pragma: no-cache` too, and a refused input or media type is 400 `invalid_request`).
 * @packageDocumentation
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequest, OAuthError, TemporarilyUnavailable } from './oauth-error.js';
import { ApiError } from './api-error.js';
import { DomainError, InvalidInput } from './domain-errors.js';
import { isStoreUnavailable } from './store-unavailable.js';
import { validationMessage, type ValidationIssue } from './validation-message.js';

/** How a context answers errors: the APIs' format, or RFC 6749 §5.2 on the OAuth endpoints. */
type ErrorFormat = 'api' | 'oauth';

/** Sends an OAuth error: RFC 6749 §5.2 body, its headers and `Cache-Control: no-store`. */
export function sendOAuthError(reply: FastifyReply, err: OAuthError): FastifyReply {
  reply.code(err.status).headers(err.headers).header('cache-control', 'no-store').header('pragma', 'no-cache');
  return reply.send({ error: err.code, error_description: err.message });
}

/** Fastify error handler of the root, so of every context but the OAuth endpoints'. */
export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return handle('api', err, request, reply);
}

/** Fastify error handler of the OAuth endpoints' context (set there with `setErrorHandler`). */
export function oauthErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return handle('oauth', err, request, reply);
}

function handle(format: ErrorFormat, err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof OAuthError) return sendOAuthError(reply, err);
  if (format === 'oauth' && err instanceof InvalidInput && err.code === 'invalid_request')
    return sendOAuthError(reply, new InvalidRequest(err.message));
  if (err instanceof DomainError) {
    return reply
      .code(err.status)
      .header('cache-control', 'no-store')
      .send({ error: err.code, error_description: err.message });
  }
  if (err instanceof ApiError) {
    return reply
      .code(err.status)
      .headers(err.headers)
      .header('cache-control', 'no-store')
      .send({ error: err.code, error_description: err.message });
  }
  if (isStoreUnavailable(err)) {
    request.log.warn({ err: { code: (err as { code?: string }).code, message: err.message } }, 'store unavailable');
    return sendOAuthError(reply, new TemporarilyUnavailable());
  }
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (err.validation || (status >= 400 && status < 500)) {
    const mediaType = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
    const code =
      status === 413 ? 413 : mediaType && format === 'api' ? 415 : status === 404 || status === 405 ? status : 400;
    return reply
      .code(code)
      .header('cache-control', 'no-store')
      .send({ error: status === 404 ? 'not_found' : 'invalid_request', error_description: describe(err) });
  }
  request.log.error({ err }, 'unhandled error');
  return reply
    .code(500)
    .header('cache-control', 'no-store')
    .send({ error: 'server_error', error_description: 'internal error' });
}

function describe(err: FastifyError): string {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'request body too large';
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported content type';
  if (err.validation) return validationMessage(err.validationContext ?? 'request', err.validation as ValidationIssue[]);
  return err.message.slice(0, 200);
}
