/**
 * Fastify, Express and Hono middleware around `verify`, answering RFC 6750 errors.
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
import { bearerChallenge } from './bearer-challenge.js';
import { bearerToken } from './bearer-token.js';
import type { VerifiedClaims, VerifyOptions } from './create-verifier.js';

/**
 * Options of one middleware: the scopes its routes require.
 *
 * @example
 * ```ts
 * fastify.get('/reports', { preHandler: verifier.fastify({ scopes: ['reports:read'] }) }, handler);
 * ```
 */
export type MiddlewareOptions = VerifyOptions;

type Verify = (token: string, options?: VerifyOptions) => Promise<VerifiedClaims>;

/** Verifies the request's `Authorization` header: the claims, or the RFC 6750 answer to send. */
async function authenticate(
  verify: Verify,
  authorization: string | readonly string[] | undefined,
  realm: string,
  options: MiddlewareOptions,
): Promise<{ claims: VerifiedClaims } | { answer: ReturnType<typeof bearerChallenge> }> {
  try {
    return { claims: await verify(bearerToken(authorization), options) };
  } catch (err) {
    if (err instanceof TokenVerificationError) return { answer: bearerChallenge(err, realm) };
    throw err;
  }
}

/** A Fastify `preHandler` hook; on success `request.auth` holds the claims. */
export function fastifyHook(verify: Verify, realm: string, options: MiddlewareOptions = {}) {
  return async (request: FastifyRequestLike & { auth?: VerifiedClaims }, reply: FastifyReplyLike): Promise<FastifyReplyLike | undefined> => {
    const result = await authenticate(verify, request.headers['authorization'], realm, options);
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
export function expressMiddleware(verify: Verify, realm: string, options: MiddlewareOptions = {}) {
  return async (req: ExpressRequestLike & { auth?: VerifiedClaims }, res: ExpressResponseLike, next: ExpressNextLike): Promise<void> => {
    let result: Awaited<ReturnType<typeof authenticate>>;
    try {
      result = await authenticate(verify, req.headers['authorization'], realm, options);
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
export function honoMiddleware(verify: Verify, realm: string, options: MiddlewareOptions = {}) {
  return async (c: HonoContextLike, next: () => Promise<void>): Promise<Response | undefined> => {
    const result = await authenticate(verify, c.req.header('authorization'), realm, options);
    if ('answer' in result) return jsonResponse(result.answer.status, result.answer.body, result.answer.headers);
    c.set('auth', result.claims);
    await next();
    return undefined;
  };
}
