/**
 * Checking DPoP proofs at a resource server (RFC 9449 §4.3, §7.1), with a bounded replay cache.
 * @packageDocumentation
 * @internal
 */
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { accessTokenHash, htuOf } from '../dpop/dpop-key.js';
import { DpopProofError } from '../errors/verification-errors.js';

/** Algorithms accepted in proofs by default (`dpop_signing_alg_values_supported`). */
export const DEFAULT_DPOP_ALGS: readonly string[] = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];
/** Proofs longer than this are refused before any crypto. */
const MAX_PROOF_LENGTH = 8000;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/**
 * Remembers `jkt`+`jti` pairs until they expire. Holds at most `maxEntries` (each key ≤ ~300
 * characters, so 10 000 entries stay under ~3 MB); when full it drops expired entries, then the
 * oldest. Only proofs that passed every other check (signed by the key a valid token is bound
 * to) are recorded, so strangers cannot fill it.
 */
export function createReplayCache(maxEntries: number) {
  const seen = new Map<string, number>();
  return {
    /** Records `id` until `expiresAt` (seconds); false when it is already recorded and unexpired. */
    useOnce(id: string, expiresAt: number, now: number): boolean {
      const known = seen.get(id);
      if (known !== undefined && known >= now) return false;
      seen.delete(id);
      if (seen.size >= maxEntries) {
        for (const [key, exp] of seen) if (exp < now) seen.delete(key);
        for (const key of seen.keys()) {
          if (seen.size < maxEntries) break;
          seen.delete(key);
        }
      }
      seen.set(id, expiresAt);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}

/** What a proof must match. Times in seconds. */
export interface ProofExpectation {
  method: string;
  /** The request URL as clients address it (`htu` is compared without query and fragment). */
  url: string;
  accessToken: string;
  /** The token's `cnf.jkt`. */
  jkt: string;
  now: number;
  /** Seconds `iat` may lie from now (plus `tolerance`). */
  window: number;
  tolerance: number;
  algorithms: readonly string[];
  replay: ReturnType<typeof createReplayCache>;
}

/**
 * Verifies one DPoP proof: `typ` `dpop+jwt`, an allowed asymmetric `alg`, a public `jwk` whose
 * thumbprint is `jkt`, a valid signature, `htm`, `htu`, `iat` within the window, a `jti` not seen
 * before, and `ath` = the token's hash.
 * @throws {@link DpopProofError} naming the first failed check.
 */
export async function verifyProof(proof: string | readonly string[] | undefined, e: ProofExpectation): Promise<void> {
  if (typeof proof !== 'string' || proof === '' || proof.length > MAX_PROOF_LENGTH)
    throw new DpopProofError('send exactly one DPoP proof');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw new DpopProofError('the DPoP proof is not a JWS');
  }
  const jwk = header.jwk as JWK | undefined;
  if (header.typ !== 'dpop+jwt' || typeof header.alg !== 'string' || !e.algorithms.includes(header.alg))
    throw new DpopProofError('the DPoP proof needs typ dpop+jwt and an accepted alg');
  if (!jwk || typeof jwk !== 'object' || PRIVATE_MEMBERS.some((m) => m in jwk))
    throw new DpopProofError('the DPoP proof needs a public key in jwk');
  if ((await calculateJwkThumbprint(jwk, 'sha256')) !== e.jkt)
    throw new DpopProofError('the DPoP proof key is not the one the token is bound to');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [header.alg],
      currentDate: new Date(e.now * 1000),
      clockTolerance: e.tolerance,
    }));
  } catch {
    throw new DpopProofError('the DPoP proof signature is invalid');
  }
  const { htm, htu, iat, jti, ath } = payload as Record<string, unknown>;
  if (htm !== e.method.toUpperCase()) throw new DpopProofError('htm does not match the request method');
  if (typeof htu !== 'string' || !URL.canParse(htu) || htuOf(htu) !== htuOf(e.url))
    throw new DpopProofError('htu does not match the request URL');
  if (typeof iat !== 'number' || Math.abs(e.now - iat) > e.window + e.tolerance)
    throw new DpopProofError('iat is missing or outside the accepted window');
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw new DpopProofError('jti is missing or too long');
  if (ath !== (await accessTokenHash(e.accessToken))) throw new DpopProofError('ath does not match the access token');
  if (!e.replay.useOnce(`${e.jkt}:${jti}`, iat + e.window + 2 * e.tolerance, e.now))
    throw new DpopProofError('the DPoP proof was already used');
}
