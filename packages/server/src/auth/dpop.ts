/**
 * DPoP proofs (RFC 9449 §4.3): the client proves it holds the key a token is bound to by signing,
 * per request, a JWT naming the method (`htm`), the URL without query or fragment (`htu`), the
 * time (`iat`, within {@link DPOP_IAT_WINDOW} seconds plus the skew), a `jti` used once (shared by
 * every node through the store), and at a resource the token's hash (`ath`). The public key
 * travels in the `jwk` header; the bound token carries its thumbprint (`cnf.jkt`, RFC 7638).
 * Server nonces (§8) are not used: the `iat` window and the shared `jti` store bound a captured
 * proof's use to one request within about a minute, and clients need no extra round trip.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import type { FastifyRequest } from 'fastify';
import { nowSeconds } from '../clock.js';
import { InvalidDpopProof } from '../errors/oauth-error.js';
import type { AuthRuntime } from './deps.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import { decodeStrict } from './jwt-structure.js';
import { ASYMMETRIC_ALGS } from './client-key.js';
import { useJtiOnce } from './replay.js';

/** Algorithms accepted in DPoP proofs (`dpop_signing_alg_values_supported`). */
export const DPOP_ALGS: readonly string[] = ASYMMETRIC_ALGS;
/** How far `iat` may lie from now, seconds (plus the configured skew). */
export const DPOP_IAT_WINDOW = 60;
/** Longest accepted proof, characters (checked before any parsing). */
export const MAX_PROOF_LENGTH = 8000;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Thrown for a proof that fails; the message says why (safe to show the client). */
export class DpopProofError extends Error {}

/** What a proof must match: the request's method and path, and at a resource the presented token. */
export interface ProofContext {
  method: string;
  /**
   * The request target as received (path and query): `htu` must name it, without the query, under
   * the issuer's origin, or under the issuer itself when it has a path a proxy strips.
   */
  url: string;
  accessToken?: string;
}

/** `scheme://host[:port]/path` of a URL: what `htu` is compared on (RFC 9449 §4.3 item 9). */
function comparable(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * Verifies the request's `DPoP` header.
 * @returns `jkt`, the SHA-256 thumbprint of the proof's key (RFC 7638).
 * @throws DpopProofError for anything but one valid, fresh, unused proof; store errors (503).
 */
export async function verifyDpopProof(
  rt: AuthRuntime,
  header: string | string[] | undefined,
  ctx: ProofContext,
): Promise<{ jkt: string }> {
  if (typeof header !== 'string' || header.length > MAX_PROOF_LENGTH)
    throw new DpopProofError('send exactly one DPoP proof');
  let decoded;
  try {
    decoded = decodeStrict(header, { embeddedJwk: true });
  } catch {
    throw new DpopProofError('the DPoP proof is malformed');
  }
  const { typ, alg, jwk } = decoded.header;
  if (typ !== 'dpop+jwt' || typeof alg !== 'string' || !DPOP_ALGS.includes(alg))
    throw new DpopProofError(`the DPoP proof needs typ dpop+jwt and one of ${DPOP_ALGS.join(' ')}`);
  if (!jwk || typeof jwk !== 'object' || PRIVATE_MEMBERS.some((m) => m in jwk))
    throw new DpopProofError('the DPoP proof needs a public key in jwk');
  const { issuer, clockSkew } = rt.ctx.config;
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(header, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [alg],
      currentDate: new Date(rt.ctx.clock.now()),
      clockTolerance: clockSkew,
    }));
  } catch {
    throw new DpopProofError('the DPoP proof signature is invalid');
  }
  const now = nowSeconds(rt.ctx.clock);
  const { htm, htu, iat, jti, ath } = payload;
  if (htm !== ctx.method) throw new DpopProofError('htm does not match the request method');
  const path = ctx.url.split('?')[0]!;
  const target = typeof htu === 'string' ? comparable(htu) : undefined;
  if (
    target === undefined ||
    (target !== comparable(new URL(issuer).origin + path) && target !== comparable(issuer + path))
  )
    throw new DpopProofError('htu does not match the request URL');
  if (typeof iat !== 'number' || Math.abs(now - iat) > DPOP_IAT_WINDOW + clockSkew)
    throw new DpopProofError('iat is missing or outside the accepted window');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
    throw new DpopProofError('jti is missing or too long');
  if (ctx.accessToken !== undefined && ath !== createHash('sha256').update(ctx.accessToken).digest('base64url'))
    throw new DpopProofError('ath does not match the access token');
  const jkt = await calculateJwkThumbprint(jwk as JWK, 'sha256');
  if (!(await useJtiOnce(rt.ctx.store, 'dpop_proof', jkt, jti, iat + DPOP_IAT_WINDOW + 2 * clockSkew, now)))
    throw new DpopProofError('the DPoP proof was already used');
  return { jkt };
}

/**
 * The DPoP key of a token request (RFC 9449 §5): its `jkt` when a proof came, undefined when none
 * came and `client` does not require one.
 * @throws InvalidDpopProof (400) for an invalid proof, or a missing one where the integration
 *   requires DPoP (`dpop_bound_access_tokens`, §5.2).
 */
export async function tokenRequestDpop(
  rt: AuthRuntime,
  request: FastifyRequest,
  client: ClientRecord,
): Promise<string | undefined> {
  const header = request.headers.dpop;
  if (header === undefined) {
    if (client.dpopBound) throw new InvalidDpopProof('this integration requires DPoP: send a DPoP proof');
    return undefined;
  }
  try {
    return (await verifyDpopProof(rt, header, { method: request.method, url: request.url })).jkt;
  } catch (err) {
    if (err instanceof DpopProofError) throw new InvalidDpopProof(err.message);
    throw err;
  }
}
