/**
 * The options, claims and interface of a verifier.
 * @packageDocumentation
 */
import type { JWTPayload } from 'jose';
import type { AccessTokenClaims } from '@gatehouse/contracts';
import type { Clock, FetchLike } from '../types.js';
import type { ProtectedResourceMetadataOptions, ResourceMetadata } from './resource-metadata.js';
import type { expressMiddleware, fastifyHook, honoMiddleware, MiddlewareOptions } from './verifier-middleware.js';
import type { DpopVerifierOptions, RequestCredentials } from './verify-request.js';

/**
 * Options of {@link createVerifier}.
 *
 * @example
 * ```ts
 * createVerifier({ issuer, audience: 'https://api.example.com', clockTolerance: 10, cooldownDuration: 60_000, realm: 'reports' });
 * ```
 */
export interface VerifierOptions {
  /** Expected `iss`: the Gatehouse issuer URL. */
  issuer: string;
  /** Expected `aud`: this resource server's audience identifier (one, or any of a list). */
  audience: string | readonly string[];
  /** JWKS URL (default `{issuer}/.well-known/jwks.json`). */
  jwksUri?: string;
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat` (default 5). */
  clockTolerance?: number;
  /** Largest accepted token age (`now − iat`) in seconds (default: unlimited). */
  maxTokenAge?: number;
  /** Milliseconds after a JWKS fetch during which an unknown `kid` does not refetch (default 30 000). */
  cooldownDuration?: number;
  /** Milliseconds a fetched JWKS is used before it is refetched (default 600 000). */
  cacheMaxAge?: number;
  /** JWKS request timeout in milliseconds (default 5000). */
  timeoutDuration?: number;
  /** Realm of `WWW-Authenticate` challenges (default `gatehouse`). */
  realm?: string;
  /** DPoP (RFC 9449) settings; bound tokens are verified with their proof even without them. */
  dpop?: DpopVerifierOptions;
  /**
   * Publish RFC 9728 metadata (served by `verifier.resourceMetadata` handlers) and name it in
   * 401 challenges (`resource_metadata`). Its `resource` origin is also the origin DPoP `htu`
   * is checked against (useful behind a proxy).
   */
  protectedResourceMetadata?: ProtectedResourceMetadataOptions;
  fetch?: FetchLike;
  /** Current time for `exp`/`nbf`/`iat` checks (default `Date.now`). */
  clock?: Clock;
}

/**
 * Claims of a verified Gatehouse access token (RFC 9068 §2.2 plus `environment`). `iss`, `sub`,
 * `aud`, `exp`, `iat`, `jti` and `client_id` are always present; `scope` and `environment` are
 * present in every token Gatehouse mints.
 *
 * @example
 * ```ts
 * const claims: VerifiedClaims = await verifier.verify(token);
 * console.log(claims.client_id, claims.environment, claims.scope);
 * ```
 */
export type VerifiedClaims = JWTPayload &
  Omit<AccessTokenClaims, 'aud' | 'scope' | 'environment'> & {
    aud: string | string[];
    scope?: string;
    environment?: string;
  };

/**
 * What `verify` checks beyond the signature and standard claims.
 *
 * @example
 * ```ts
 * await verifier.verify(token, { scopes: ['reports:read', 'reports:export'] });
 * ```
 */
export interface VerifyOptions {
  /** Scopes the token must all hold. */
  scopes?: readonly string[];
}

/**
 * A verifier and its framework middleware.
 *
 * @example
 * ```ts
 * const verifier: Verifier = createVerifier({ issuer, audience: 'https://api.example.com' });
 * app.use('/reports', verifier.express({ scopes: ['reports:read'] }));
 * ```
 */
export interface Verifier {
  /**
   * Verifies `token` and returns its claims.
   * @throws {@link TokenMissingError} (empty), {@link TokenInvalidError}, {@link TokenExpiredError},
   *   {@link InsufficientScopeError}, {@link JwksUnavailableError}.
   */
  verify(token: string, options?: VerifyOptions): Promise<VerifiedClaims>;
  /**
   * Verifies a request's `Authorization` (`Bearer` or `DPoP`) and `DPoP` headers: a DPoP-bound
   * token needs `DPoP` and a valid proof for `method` and `url` (RFC 9449 §7.1).
   * @throws as `verify`, plus {@link BearerRequestError} and {@link DpopProofError}.
   */
  verifyRequest(credentials: RequestCredentials, options?: VerifyOptions): Promise<VerifiedClaims>;
  /** The RFC 9728 document and its handlers, when `protectedResourceMetadata` was given. */
  resourceMetadata: ResourceMetadata | undefined;
  /** A Fastify `preHandler` hook that sets `request.auth`. */
  fastify(options?: MiddlewareOptions): ReturnType<typeof fastifyHook>;
  /** An Express middleware that sets `req.auth`. */
  express(options?: MiddlewareOptions): ReturnType<typeof expressMiddleware>;
  /** A Hono middleware that sets `c.get('auth')`. */
  hono(options?: MiddlewareOptions): ReturnType<typeof honoMiddleware>;
}
