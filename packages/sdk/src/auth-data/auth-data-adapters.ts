/**
 * Fastify, Express and Hono route handlers around `createAuthData().get()`.
 * @packageDocumentation
 * @internal
 */
import { GatehouseError } from '../errors/gatehouse-error.js';
import { WriteScopeError } from '../errors/write-scope-error.js';
import {
  jsonResponse,
  type ExpressRequestLike,
  type ExpressResponseLike,
  type FastifyReplyLike,
  type FastifyRequestLike,
} from '../adapters/framework-types.js';
import type { AuthData, AuthDataLogger } from './create-auth-data.js';

/** Bodies carry a bearer token: never cache them. */
const NO_STORE = { 'cache-control': 'no-store' } as const;

/** Replaces anything shaped like a compact JWS (`eyJ…` header, three segments) so logs never carry a token. */
const redactJwts = (text: string): string => text.replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '[redacted token]');

/** The status and body for one request: 200 with the auth data, or 500 `{success:false}` (logged, without the token). */
export async function authDataAnswer(
  get: () => Promise<AuthData>,
  logger: AuthDataLogger,
): Promise<{ status: number; body: AuthData | { success: false } }> {
  try {
    return { status: 200, body: await get() };
  } catch (err) {
    const reason =
      err instanceof GatehouseError
        ? `${err.code}: ${err.message}`
        : err instanceof Error
          ? `${err.name}: ${err.message}`
          : 'unknown error';
    const scopes = err instanceof WriteScopeError ? { refused_scopes: err.scopes } : {};
    logger.error(`gatehouse auth data: not handing out a token (${redactJwts(reason)})`, scopes);
    return { status: 500, body: { success: false } };
  }
}

/** A Fastify route handler. */
export function fastifyHandler(get: () => Promise<AuthData>, logger: AuthDataLogger) {
  return async (_request: FastifyRequestLike, reply: FastifyReplyLike): Promise<FastifyReplyLike> => {
    const { status, body } = await authDataAnswer(get, logger);
    reply.code(status);
    reply.header('cache-control', NO_STORE['cache-control']);
    reply.send(body);
    return reply;
  };
}

/** An Express route handler (never calls `next`: it always answers). */
export function expressHandler(get: () => Promise<AuthData>, logger: AuthDataLogger) {
  return async (_req: ExpressRequestLike, res: ExpressResponseLike): Promise<void> => {
    const { status, body } = await authDataAnswer(get, logger);
    res.status(status);
    res.setHeader('cache-control', NO_STORE['cache-control']);
    res.json(body);
  };
}

/** A Hono handler returning a `Response`. */
export function honoHandler(get: () => Promise<AuthData>, logger: AuthDataLogger) {
  return async (): Promise<Response> => {
    const { status, body } = await authDataAnswer(get, logger);
    return jsonResponse(status, body, NO_STORE);
  };
}
