/**
 * Structural types of the Fastify, Express and Hono objects the SDK touches, so adapters work with
 * those frameworks without importing them (the runtime dependency stays `jose` only).
 * @packageDocumentation
 */

/**
 * Request headers as Node frameworks expose them (lower-case names).
 *
 * @example
 * ```ts
 * const headers: HeaderBag = { authorization: 'Bearer eyJ...' };
 * ```
 */
export type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * The part of a Fastify request the SDK reads.
 *
 * @example
 * ```ts
 * const hook = verifier.fastify(); // (request: FastifyRequestLike, reply: FastifyReplyLike) => ...
 * fastify.addHook('preHandler', hook);
 * ```
 */
export interface FastifyRequestLike {
  headers: HeaderBag;
  /** Used for DPoP proofs (`htm`, `htu`). */
  method?: string;
  /** Path and query as received. */
  url?: string;
  protocol?: string;
  host?: string;
}

/**
 * The part of a Fastify reply the SDK uses.
 *
 * @example
 * ```ts
 * app.get('/user/authdata', authData.fastify()); // the handler calls reply.code/header/send
 * ```
 */
export interface FastifyReplyLike {
  code(statusCode: number): unknown;
  header(key: string, value: string): unknown;
  send(payload?: unknown): unknown;
}

/**
 * The part of an Express request the SDK reads.
 *
 * @example
 * ```ts
 * app.get('/reports', verifier.express(), (req, res) => res.json((req as ExpressRequestLike & { auth?: VerifiedClaims }).auth));
 * ```
 */
export interface ExpressRequestLike {
  headers: HeaderBag;
  /** Used for DPoP proofs (`htm`, `htu`). */
  method?: string;
  /** Path and query as received. */
  originalUrl?: string;
  protocol?: string;
}

/**
 * The part of an Express response the SDK uses.
 *
 * @example
 * ```ts
 * app.get('/user/authdata', authData.express()); // the handler calls res.status/setHeader/json
 * ```
 */
export interface ExpressResponseLike {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
  json(body: unknown): unknown;
}

/**
 * Express's `next`.
 *
 * @example
 * ```ts
 * app.use(verifier.express()); // calls next() on success, next(err) on unexpected errors
 * ```
 */
export type ExpressNextLike = (err?: unknown) => void;

/**
 * The part of a Hono context the SDK uses.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: { auth: VerifiedClaims } }>();
 * app.use('/reports/*', verifier.hono());
 * app.get('/reports', (c) => c.json({ sub: c.get('auth').sub }));
 * ```
 */
export interface HonoContextLike {
  /** `method` and `url` (absolute) are used for DPoP proofs. */
  req: { header(name: string): string | undefined; method?: string; url?: string };
  set(key: string, value: unknown): void;
}

/** A JSON `Response` (what Hono handlers may return). */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
