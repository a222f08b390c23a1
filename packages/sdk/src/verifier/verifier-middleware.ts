/**
 * Fastify, Express and Hono middleware around request verification, answering RFC 6750 and
 * RFC 9449 errors.
 * @packageDocumentation
 * @internal
 */
import { TokenVerificationError } from '../errors/verification-errors.js';
import {
  jsonResponse,
  type ExpressNextLike,
  type ExpressRequestLike,
  type ExpressResponseLike,
  type FastifyReplyLike,
  type FastifyRequestLike,
  type HonoContextLike,
} from '../adapters/framework-types.js';
import { bearerChallenge, type ChallengeContext } from './bearer-challenge.js';
import type { VerifiedClaims, VerifyOptions } from './create-verifier.js';
import type { RequestCredentials } from './verify-request.js';

/**
 * Options of one middleware: the scopes its routes require.
 *
 * @example
 * ```ts
 * fastify.get('/reports', { preHandler: verifier.fastify({ scopes: ['reports:read'] }) }, handler);
 * ```
 */
export type MiddlewareOptions = VerifyOptions;

type VerifyRequest = (credentials: RequestCredentials, options?: VerifyOptions) => Promise<VerifiedClaims>;

/** What the middlewares share: request verification, the realm and challenge context, and the public origin. */
export interface MiddlewareDeps {
  verifyRequest: VerifyRequest;
  realm: string;
  challenge: ChallengeContext;
  /** Origin clients use (from `protectedResourceMetadata.resource`); else the request's own. */
  publicOrigin?: string | undefined;
}

const header = (value: string | readonly string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : value?.[0];

/** The absolute URL of a request: the public origin when configured, else scheme and Host. */
function absoluteUrl(
  deps: MiddlewareDeps,
  protocol: string | undefined,
  host: string | undefined,
  path: string | undefined,
): string {
  const origin = deps.publicOrigin ?? `${protocol ?? 'http'}://${host ?? 'localhost'}`;
  return `${origin}${path ?? '/'}`;
}

/** Verifies the request's credentials: the claims, or the answer to send. */
async function authenticate(
  deps: MiddlewareDeps,
  credentials: RequestCredentials,
  options: MiddlewareOptions,
): Promise<{ claims: VerifiedClaims } | { answer: ReturnType<typeof bearerChallenge> }> {
  try {
    return { claims: await deps.verifyRequest(credentials, options) };
  } catch (err) {
    if (err instanceof TokenVerificationError) return { answer: bearerChallenge(err, deps.realm, deps.challenge) };
    throw err;
  }
}

/** A Fastify `preHandler` hook; on success `request.auth` holds the claims. */
export function fastifyHook(deps: MiddlewareDeps, options: MiddlewareOptions = {}) {
  return async (
    request: FastifyRequestLike & { auth?: VerifiedClaims },
    reply: FastifyReplyLike,
  ): Promise<FastifyReplyLike | undefined> => {
    const url = absoluteUrl(deps, request.protocol, request.host ?? header(request.headers['host']), request.url);
    const credentials = {
      authorization: request.headers['authorization'],
      dpop: request.headers['dpop'],
      method: request.method ?? 'GET',
      url,
    };
    const result = await authenticate(deps, credentials, options);
    if ('claims' in result) {
      request.auth = result.claims;
      return undefined;
    }
    reply.code(result.answer.status);
    for (const [name, value] of Object.entries(result.answer.headers)) reply.header(name, value);
    reply.send(result.answer.body);
    return reply;
  };
}

/** An Express middleware; on success `req.auth` holds the claims. Other errors go to `next(err)`. */
export function expressMiddleware(deps: MiddlewareDeps, options: MiddlewareOptions = {}) {
  return async (
    req: ExpressRequestLike & { auth?: VerifiedClaims },
    res: ExpressResponseLike,
    next: ExpressNextLike,
  ): Promise<void> => {
    let result: Awaited<ReturnType<typeof authenticate>>;
    try {
      const url = absoluteUrl(deps, req.protocol, header(req.headers['host']), req.originalUrl);
      result = await authenticate(
        deps,
        { authorization: req.headers['authorization'], dpop: req.headers['dpop'], method: req.method ?? 'GET', url },
        options,
      );
    } catch (err) {
      next(err);
      return;
    }
    if ('claims' in result) {
      req.auth = result.claims;
      next();
      return;
    }
    res.status(result.answer.status);
    for (const [name, value] of Object.entries(result.answer.headers)) res.setHeader(name, value);
    res.json(result.answer.body);
  };
}

/** A Hono middleware; on success `c.get('auth')` holds the claims. */
export function honoMiddleware(deps: MiddlewareDeps, options: MiddlewareOptions = {}) {
  return async (c: HonoContextLike, next: () => Promise<void>): Promise<Response | undefined> => {
    const full = c.req.url === undefined ? undefined : new URL(c.req.url);
    const url =
      deps.publicOrigin !== undefined && full
        ? `${deps.publicOrigin}${full.pathname}${full.search}`
        : (c.req.url ?? absoluteUrl(deps, undefined, c.req.header('host'), '/'));
    const credentials = {
      authorization: c.req.header('authorization'),
      dpop: c.req.header('dpop'),
      method: c.req.method ?? 'GET',
      url,
    };
    const result = await authenticate(deps, credentials, options);
    if ('answer' in result) return jsonResponse(result.answer.status, result.answer.body, result.answer.headers);
    c.set('auth', result.claims);
    await next();
    return undefined;
  };
}
