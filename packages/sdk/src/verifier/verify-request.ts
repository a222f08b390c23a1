/**
 * Verifying a request's credentials: `Authorization: Bearer` (RFC 6750) or `Authorization: DPoP`
 * with a `DPoP` proof (RFC 9449 §7.1).
 * @packageDocumentation
 * @internal
 */
import type { JWTPayload } from 'jose';
import { DpopProofError } from '../errors/verification-errors.js';
import { bearerToken } from './bearer-token.js';
import { createReplayCache, DEFAULT_DPOP_ALGS, verifyProof } from './dpop-proof.js';

/**
 * Options of DPoP (RFC 9449) at the resource server. DPoP-bound tokens (`cnf.jkt`) are always
 * accepted with `Authorization: DPoP` and a proof, and refused as `Bearer`.
 *
 * @example
 * ```ts
 * createVerifier({ issuer, audience, dpop: { required: true, iatWindow: 30, replayCacheSize: 50_000 } });
 * ```
 */
export interface DpopVerifierOptions {
  /** Refuse tokens that are not DPoP-bound (default false). */
  required?: boolean;
  /** Proof algorithms accepted (default ES256 ES384 RS256 PS256 EdDSA). */
  algorithms?: readonly string[];
  /** Seconds a proof's `iat` may lie from now, besides `clockTolerance` (default 60). */
  iatWindow?: number;
  /** Most proof `jti`s remembered against replay (default 10 000, about 3 MB at most). */
  replayCacheSize?: number;
}

/**
 * One request's credentials as the middleware reads them.
 *
 * @example
 * ```ts
 * await verifier.verifyRequest({ authorization: req.headers.authorization, dpop: req.headers.dpop, method: 'GET', url: 'https://api.example.com/reports' });
 * ```
 */
export interface RequestCredentials {
  /** The `Authorization` header. */
  authorization: string | readonly string[] | undefined;
  /** The `DPoP` header. */
  dpop?: string | readonly string[] | undefined;
  /** The HTTP method. */
  method: string;
  /** The absolute request URL as the client addressed it (compared with the proof's `htu`). */
  url: string;
}

/** Reads `Bearer <token>` or `DPoP <token>` (the scheme case-insensitive). */
export function authorizationToken(authorization: RequestCredentials['authorization']): {
  scheme: 'bearer' | 'dpop';
  token: string;
} {
  const value = typeof authorization === 'string' ? authorization.trim() : undefined;
  if (value !== undefined && /^dpop(\s|$)/i.test(value))
    return { scheme: 'dpop', token: bearerToken(`Bearer ${value.slice(4).trim()}`) };
  return { scheme: 'bearer', token: bearerToken(authorization) };
}

/** The jkt of a token's `cnf` claim, `undefined` when unbound. */
export function boundKey(payload: JWTPayload): string | undefined {
  const cnf = payload['cnf'];
  if (cnf === undefined) return undefined;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>)['jkt'] : undefined;
  if (typeof jkt !== 'string') throw new DpopProofError('the token has a cnf claim without a jkt');
  return jkt;
}

/**
 * Builds the DPoP step of request verification: `check(scheme, token, payload, credentials)`
 * throws {@link DpopProofError} when a bound token comes as Bearer, an unbound one as DPoP or
 * without a valid proof, or (with `required`) an unbound token comes at all.
 */
export function createDpopCheck(options: DpopVerifierOptions, tolerance: number) {
  const replay = createReplayCache(options.replayCacheSize ?? 10_000);
  const algorithms = options.algorithms ?? DEFAULT_DPOP_ALGS;
  const window = options.iatWindow ?? 60;
  return {
    algorithms,
    async check(
      scheme: 'bearer' | 'dpop',
      token: string,
      payload: JWTPayload,
      credentials: RequestCredentials,
      nowMs: number,
    ): Promise<void> {
      const jkt = boundKey(payload);
      if (scheme === 'bearer') {
        if (jkt !== undefined)
          throw new DpopProofError('a DPoP-bound token must be sent with Authorization: DPoP and a proof');
        if (options.required === true) throw new DpopProofError('this resource requires DPoP-bound tokens');
        return;
      }
      if (jkt === undefined) throw new DpopProofError('the token is not DPoP-bound');
      await verifyProof(credentials.dpop, {
        method: credentials.method,
        url: credentials.url,
        accessToken: token,
        jkt,
        now: Math.floor(nowMs / 1000),
        window,
        tolerance,
        algorithms,
        replay,
      });
    },
  };
}
