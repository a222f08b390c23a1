/**
 * Reading and verifying the access token of a request (RFC 6750 §2.1: the Authorization header
 * only; the scheme is case-insensitive): `Bearer`, or `DPoP` with a proof of the token's key
 * (RFC 9449 §7). A DPoP-bound token presented as Bearer is refused (docs/security.md I-89).
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import { BearerInvalidRequest, InvalidToken, MissingBearer } from '../errors/api-error.js';
import { MAX_TOKEN_LENGTH, type AuthRuntime } from './deps.js';
import type { BearerPrincipal } from './principal.js';
import { withCurrentScopes } from './policy.js';
import { DpopProofError, verifyDpopProof } from './dpop.js';

// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The token in `Authorization: Bearer …` or `Authorization: DPoP …`, and its scheme.
 * @throws MissingBearer when there is no such credential; BearerInvalidRequest when the token is
 *   also in the query, or the header holds an empty or space-separated value (C-28);
 *   InvalidToken for an over-long value, before any crypto (C-44).
 */
export function extractAccessToken(request: FastifyRequest): { scheme: 'Bearer' | 'DPoP'; token: string } {
  const query = request.query as Record<string, unknown> | undefined;
  if (query && typeof query === 'object' && 'access_token' in query)
    throw new BearerInvalidRequest('send the token in the Authorization header only');
  const header = request.headers.authorization;
  if (header === undefined) throw new MissingBearer();
  const match = /^(bearer|dpop)(?:[ ]+(.*))?$/i.exec(header);
  if (!match) throw new MissingBearer();
  const scheme = match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  const value = (match[2] ?? '').trim();
  if (value.length > MAX_TOKEN_LENGTH) throw new InvalidToken(undefined, scheme);
  if (!value || !B64TOKEN.test(value)) throw new BearerInvalidRequest('malformed bearer token');
  return { scheme, token: value };
}

/**
 * Authenticates the request's access token; the principal carries its scopes as of now
 * ({@link withCurrentScopes}: token scopes ∩ current grants). With the DPoP scheme the request's
 * proof must be valid for this request and this token (`ath`) and signed by the token's key.
 * @throws as {@link extractAccessToken}, and InvalidToken (with a DPoP challenge for the DPoP
 *   scheme) when verification or the proof fails, for a DPoP-bound token sent as Bearer, or when
 *   the integration is gone or disabled.
 */
export async function authenticateBearer(rt: AuthRuntime, request: FastifyRequest): Promise<BearerPrincipal> {
  const { scheme, token } = extractAccessToken(request);
  try {
    const principal = await rt.verifier.verify(token);
    const jkt = principal.type === 'integration' || principal.type === 'customer' ? principal.jkt : undefined;
    if (scheme === 'Bearer' && jkt) throw new InvalidToken('a DPoP-bound token needs the DPoP scheme and a proof');
    if (scheme === 'DPoP') {
      const proof = await verifyDpopProof(rt, request.headers.dpop, {
        method: request.method,
        url: request.url,
        accessToken: token,
      });
      if (!jkt || proof.jkt !== jkt) throw new InvalidToken('the DPoP proof key does not match the token');
    }
    return await withCurrentScopes(rt.directory, principal);
  } catch (err) {
    if (scheme === 'DPoP' && (err instanceof InvalidToken || err instanceof DpopProofError))
      throw new InvalidToken(err.message, 'DPoP');
    throw err;
  }
}
