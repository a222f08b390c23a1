/**
 * `createVerifier`: verification of Gatehouse access tokens (RFC 9068) for tenants' own
 * resource servers, with Fastify, Express and Hono middleware.
 * @packageDocumentation
 */
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from 'jose';
import type { AccessTokenClaims } from '@gatehouse/contracts';
import { ArgumentError } from '../errors/gatehouse-error.js';
import { DpopProofError, InsufficientScopeError, TokenInvalidError, TokenMissingError } from '../errors/verification-errors.js';
import { isAbsoluteUrl } from '../util/http.js';
import { splitScope } from '../util/scope.js';
import type { Clock, FetchLike } from '../types.js';
import { mapKeyError, mapVerifyError } from './map-verify-error.js';
import { createResourceMetadata, type ProtectedResourceMetadataOptions, type ResourceMetadata } from './resource-metadata.js';
import { expressMiddleware, fastifyHook, honoMiddleware, type MiddlewareDeps, type MiddlewareOptions } from './verifier-middleware.js';
import { authorizationToken, boundKey, createDpopCheck, type DpopVerifierOptions, type RequestCredentials } from './verify-request.js';

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
  Omit<AccessTokenClaims, 'aud' | 'scope' | 'environment'> & { aud: string | string[]; scope?: string; environment?: string };

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

/** Tokens longer than this are refused before any crypto or key lookup. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * Creates a verifier of Gatehouse access tokens: signature against the issuer's JWKS (jose's
 * `createRemoteJWKSet`: cached, refetched once on an unknown `kid` outside the cooldown), `alg`
 * pinned to ES256, header `typ` `at+jwt` (RFC 9068 §4), `iss`, `aud`, and required `exp`, `iat`
 * (not in the future), `jti`, `sub` and `client_id` (RFC 9068 §2.2); `scope`, when present, must
 * be a string. Keys come only from `jwksUri`: `jku`, `x5u`, `jwk` and `x5c`
 * headers are ignored.
 *
 * A DPoP-bound token (`cnf.jkt`, RFC 9449) is accepted only through `verifyRequest` and the
 * middlewares, with `Authorization: DPoP` and a valid proof; `verify` refuses it. With
 * `protectedResourceMetadata`, `resourceMetadata` serves the RFC 9728 document and 401
 * challenges carry `resource_metadata`.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer: 'https://auth.example.com', audience: 'https://api.example.com' });
 * const claims = await verifier.verify(token, { scopes: ['reports:read'] });
 * app.get('/reports', verifier.express({ scopes: ['reports:read'] }), (req, res) => res.json(req.auth));
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  if (!isAbsoluteUrl(options.issuer)) throw new ArgumentError('issuer must be an absolute URL');
  if (options.audience === undefined || options.audience.length === 0) throw new ArgumentError('audience is required');
  const jwksUri = options.jwksUri ?? `${options.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  const fetchImpl = options.fetch;
  const jwks = createRemoteJWKSet(new URL(jwksUri), {
    cooldownDuration: options.cooldownDuration,
    cacheMaxAge: options.cacheMaxAge,
    timeoutDuration: options.timeoutDuration,
    ...(fetchImpl ? { [customFetch]: (url: string, init: RequestInit) => fetchImpl(url, init) } : {}),
  });
  const clock = options.clock ?? Date.now;
  const tolerance = options.clockTolerance ?? 5;
  const audience = typeof options.audience === 'string' ? options.audience : [...options.audience];

  async function verifyJwt(token: string): Promise<JWTPayload> {
    if (typeof token !== 'string' || token === '') throw new TokenMissingError('no access token');
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenInvalidError('access token too long');
    const now = clock();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header, jws) => jwks(header, jws).catch((err: unknown) => Promise.reject(mapKeyError(err))), {
        issuer: options.issuer,
        audience,
        algorithms: ['ES256'],
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
        clockTolerance: tolerance,
        currentDate: new Date(now),
        ...(options.maxTokenAge !== undefined ? { maxTokenAge: options.maxTokenAge } : {}),
      }));
    } catch (err) {
      throw mapVerifyError(err);
    }
    if (typeof payload.iat === 'number' && payload.iat > now / 1000 + tolerance) throw new TokenInvalidError('the access token was issued in the future');
    const scope = payload['scope'];
    if (scope !== undefined && typeof scope !== 'string') throw new TokenInvalidError('the scope claim is not a string');
    return payload;
  }

  function checkScopes(payload: JWTPayload, verifyOptions: VerifyOptions): VerifiedClaims {
    const scope = payload['scope'] as string | undefined;
    const required = verifyOptions.scopes ?? [];
    const held = new Set(splitScope(scope));
    if (required.some((needed) => !held.has(needed))) {
      throw new InsufficientScopeError(`the access token lacks a required scope (needs ${required.join(' ')})`, required);
    }
    return payload as VerifiedClaims;
  }

  const dpop = createDpopCheck(options.dpop ?? {}, tolerance);

  async function verify(token: string, verifyOptions: VerifyOptions = {}): Promise<VerifiedClaims> {
    const payload = await verifyJwt(token);
    if (boundKey(payload) !== undefined) throw new DpopProofError('a DPoP-bound token needs its proof: use verifyRequest');
    if (options.dpop?.required === true) throw new DpopProofError('this resource requires DPoP-bound tokens');
    return checkScopes(payload, verifyOptions);
  }

  async function verifyRequest(credentials: RequestCredentials, verifyOptions: VerifyOptions = {}): Promise<VerifiedClaims> {
    const { scheme, token } = authorizationToken(credentials.authorization);
    const payload = await verifyJwt(token);
    await dpop.check(scheme, token, payload, credentials, clock());
    return checkScopes(payload, verifyOptions);
  }

  const resourceMetadata = options.protectedResourceMetadata
    ? createResourceMetadata(options.protectedResourceMetadata, options.issuer, { algorithms: dpop.algorithms, required: options.dpop?.required === true })
    : undefined;
  const deps: MiddlewareDeps = {
    verifyRequest,
    realm: options.realm ?? 'gatehouse',
    challenge: { dpopAlgorithms: dpop.algorithms, offerDpop: options.dpop !== undefined || resourceMetadata !== undefined, resourceMetadata: resourceMetadata?.url },
    publicOrigin: resourceMetadata === undefined ? undefined : new URL(resourceMetadata.document['resource'] as string).origin,
  };
  return {
    verify,
    verifyRequest,
    resourceMetadata,
    fastify: (middlewareOptions) => fastifyHook(deps, middlewareOptions),
    express: (middlewareOptions) => expressMiddleware(deps, middlewareOptions),
    hono: (middlewareOptions) => honoMiddleware(deps, middlewareOptions),
  };
}
