/**
 * `createVerifier`: verification of Gatehouse access tokens (RFC 9068) for tenants' own
 * resource servers, with Fastify, Express and Hono middleware.
 * @packageDocumentation
 */
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from 'jose';
import { ArgumentError } from '../errors/gatehouse-error.js';
import {
  DpopProofError,
  InsufficientScopeError,
  TokenInvalidError,
  TokenMissingError,
} from '../errors/verification-errors.js';
import { isAbsoluteUrl } from '../util/http.js';
import { splitScope } from '../util/scope.js';
import { mapKeyError, mapVerifyError } from './map-verify-error.js';
import { createResourceMetadata } from './resource-metadata.js';
import { expressMiddleware, fastifyHook, honoMiddleware, type MiddlewareDeps } from './verifier-middleware.js';
import { authorizationToken, boundKey, createDpopCheck, type RequestCredentials } from './verify-request.js';
import type { VerifiedClaims, Verifier, VerifierOptions, VerifyOptions } from './verifier-types.js';

export type { VerifiedClaims, Verifier, VerifierOptions, VerifyOptions } from './verifier-types.js';
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
      ({ payload } = await jwtVerify(
        token,
        (header, jws) => jwks(header, jws).catch((err: unknown) => Promise.reject(mapKeyError(err))),
        {
          issuer: options.issuer,
          audience,
          algorithms: ['ES256'],
          typ: 'at+jwt',
          requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
          clockTolerance: tolerance,
          currentDate: new Date(now),
          ...(options.maxTokenAge !== undefined ? { maxTokenAge: options.maxTokenAge } : {}),
        },
      ));
    } catch (err) {
      throw mapVerifyError(err);
    }
    if (typeof payload.iat === 'number' && payload.iat > now / 1000 + tolerance)
      throw new TokenInvalidError('the access token was issued in the future');
    const scope = payload['scope'];
    if (scope !== undefined && typeof scope !== 'string')
      throw new TokenInvalidError('the scope claim is not a string');
    return payload;
  }

  function checkScopes(payload: JWTPayload, verifyOptions: VerifyOptions): VerifiedClaims {
    const scope = payload['scope'] as string | undefined;
    const required = verifyOptions.scopes ?? [];
    const held = new Set(splitScope(scope));
    if (required.some((needed) => !held.has(needed))) {
      throw new InsufficientScopeError(
        `the access token lacks a required scope (needs ${required.join(' ')})`,
        required,
      );
    }
    return payload as VerifiedClaims;
  }

  const dpop = createDpopCheck(options.dpop ?? {}, tolerance);

  async function verify(token: string, verifyOptions: VerifyOptions = {}): Promise<VerifiedClaims> {
    const payload = await verifyJwt(token);
    if (boundKey(payload) !== undefined)
      throw new DpopProofError('a DPoP-bound token needs its proof: use verifyRequest');
    if (options.dpop?.required === true) throw new DpopProofError('this resource requires DPoP-bound tokens');
    return checkScopes(payload, verifyOptions);
  }

  async function verifyRequest(
    credentials: RequestCredentials,
    verifyOptions: VerifyOptions = {},
  ): Promise<VerifiedClaims> {
    const { scheme, token } = authorizationToken(credentials.authorization);
    const payload = await verifyJwt(token);
    await dpop.check(scheme, token, payload, credentials, clock());
    return checkScopes(payload, verifyOptions);
  }

  const resourceMetadata = options.protectedResourceMetadata
    ? createResourceMetadata(options.protectedResourceMetadata, options.issuer, {
        algorithms: dpop.algorithms,
        required: options.dpop?.required === true,
      })
    : undefined;
  const deps: MiddlewareDeps = {
    verifyRequest,
    realm: options.realm ?? 'gatehouse',
    challenge: {
      dpopAlgorithms: dpop.algorithms,
      offerDpop: options.dpop !== undefined || resourceMetadata !== undefined,
      resourceMetadata: resourceMetadata?.url,
    },
    publicOrigin:
      resourceMetadata === undefined ? undefined : new URL(resourceMetadata.document['resource'] as string).origin,
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
