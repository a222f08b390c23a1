/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, RFC 7521 §4.2, RFC 8725): the
 * client signs a short-lived JWT with a key it registered. Checks, each failing as 401
 * `invalid_client` whose description names the check (never a claim's value), with nothing
 * persisted (docs/security.md I-85): the structure is plain (no embedded `jwk`, `jku`, `x5u`,
 * `x5c`, `crit`); `alg` asymmetric; the claims (auth/assertion-claims.ts: `iss` = `sub` =
 * client_id, `aud` the issuer identifier as a single value, `exp` at most
 * `GATEHOUSE_ASSERTION_MAX_LIFETIME` ahead, `iat` not in the future, `jti` present); the signature
 * with the registered key of the assertion's `alg` and `kid`; `jti` used once by every node, kept
 * until `exp` (auth/replay.ts). Presented together with a secret or an Authorization header: 400 (I-86).
 * @packageDocumentation
 */
import { compactVerify, importJWK, type JWK } from 'jose';
import { nowSeconds } from '../clock.js';
import { InvalidClientAssertion, InvalidRequest } from '../errors/oauth-error.js';
import type { AuthRuntime } from './deps.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientKeyRecord, ClientRecord } from '../store/repositories/integrations.js';
import { decodeStrict, type DecodedJws } from './jwt-structure.js';
import { ASYMMETRIC_ALGS } from './client-key.js';
import { useJtiOnce } from './replay.js';
import { checkAssertionClaims } from './assertion-claims.js';
import { platformIssuerSubject } from './federated-token.js';

/** `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Longest accepted `client_assertion`, characters (checked before any lookup). */
export const MAX_ASSERTION_LENGTH = 8000;
/** Most keys tried for one assertion. */
const MAX_CANDIDATES = 5;
/** Longest `kid` looked up, characters (as registered keys' kids, auth/client-key.ts). */
const MAX_KID_LENGTH = 128;

/** A client assertion as read from the request body, before any verification. */
export interface AssertionCredentials {
  method: 'private_key_jwt';
  /**
   * The body's `client_id`, else the assertion's unverified `sub`: what the throttle counts against.
   * Empty for a platform token without `client_id` (its credential names the client).
   */
  clientId: string;
  assertion: string;
  /** The unverified `iss` and `sub` when they differ: perhaps a federated credential's platform token (issue #26). */
  platform?: { iss: string; sub: string };
}

/**
 * Reads `client_assertion_type` and `client_assertion` (RFC 7521 §4.2).
 * @throws InvalidRequest beside a secret or an Authorization header (one method only, I-86), for
 *   another assertion type, or a missing or over-long assertion; InvalidClientAssertion when it names no
 *   client at all. A body `client_id` other than the assertion's `sub` fails verification (401).
 */
export function readClientAssertion(
  authorization: string | undefined,
  params: Readonly<Record<string, string>>,
): AssertionCredentials {
  if (authorization !== undefined || params.client_secret !== undefined)
    throw new InvalidRequest('use one client authentication method, not a client assertion and a secret together');
  if (params.client_assertion_type !== CLIENT_ASSERTION_TYPE)
    throw new InvalidRequest(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
  const assertion = params.client_assertion;
  if (!assertion) throw new InvalidRequest('client_assertion is missing');
  if (assertion.length > MAX_ASSERTION_LENGTH) throw new InvalidRequest('client_assertion is too long');
  const platform = platformIssuerSubject(assertion);
  const clientId = params.client_id || (platform ? '' : unverifiedSubject(assertion));
  if (clientId === undefined) throw new InvalidClientAssertion('issuer_subject', 'sub must be the client_id');
  return { method: 'private_key_jwt', clientId, assertion, ...(platform && { platform }) };
}

function unverifiedSubject(assertion: string): string | undefined {
  try {
    const sub = (
      JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown }
    ).sub;
    return typeof sub === 'string' && sub.length > 0 && sub.length <= 128 ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The client and environment a valid assertion authenticates. The checks run in the order of
 * {@link AssertionFailure}; those before `unknown_kid` look at nothing but the request, and an
 * unknown or disabled client is a client without keys, so the answer never tells whether a client
 * exists (docs/security.md A-3). Only `signature` tells of a key the client has: the one of the
 * assertion's `kid` and `alg`, which the sender must already know.
 * @throws InvalidClientAssertion (401, no Basic challenge) naming the failed check; store errors (503).
 */
export async function authenticateClientAssertion(
  rt: AuthRuntime,
  creds: AssertionCredentials,
): Promise<{ client: ClientRecord; env: EnvironmentRecord }> {
  let decoded: DecodedJws;
  try {
    decoded = decodeStrict(creds.assertion);
  } catch {
    throw new InvalidClientAssertion(
      'malformed',
      'not a compact JWS with a plain header (jwk, jku, x5u, x5c and crit are refused)',
    );
  }
  const { alg, kid } = decoded.header;
  if (!(ASYMMETRIC_ALGS as readonly unknown[]).includes(alg))
    throw new InvalidClientAssertion('algorithm', `alg must be one of ${ASYMMETRIC_ALGS.join(', ')}`);
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH))
    throw new InvalidClientAssertion('unknown_kid', `kid must be a string of 1 to ${MAX_KID_LENGTH} characters`);
  const now = nowSeconds(rt.ctx.clock);
  const { issuer, clockSkew, assertionMaxLifetime } = rt.ctx.config;
  const { exp, jti } = checkAssertionClaims(decoded.payload, {
    clientId: creds.clientId,
    issuer,
    clockSkew,
    maxLifetime: assertionMaxLifetime,
    now,
  });
  const client = await rt.directory.client(creds.clientId);
  const env = client && (await rt.directory.environment('id', client.environmentId));
  const usable = client && env && client.enabled ? { client, env } : undefined;
  if (!usable) throw unknownKid(kid);
  await verifySignature(rt, usable.client, creds.assertion, alg as string, kid);
  if (!(await useJtiOnce(rt.ctx.store, 'client_assertion', usable.client.clientId, jti, exp + clockSkew, now)))
    throw new InvalidClientAssertion('replayed_jti', 'this jti was used before: sign a new assertion for each request');
  return usable;
}

/**
 * Verifies the signature with the client's key of the assertion's `alg` and `kid` (static keys,
 * else its `jwks_uri`'s).
 * @throws InvalidClientAssertion `signature` when the key that `kid` names doesn't verify it;
 *   `unknown_kid` when no key fits, or none verifies an assertion without `kid` (as for an
 *   unknown client, which has no keys: see {@link unknownKid}).
 */
async function verifySignature(
  rt: AuthRuntime,
  client: ClientRecord,
  assertion: string,
  alg: string,
  kid: string | undefined,
): Promise<void> {
  const fits = (k: ClientKeyRecord) => k.alg === alg && (kid === undefined || k.kid === kid);
  let candidates = client.keys.filter(fits);
  if (!candidates.length && client.jwksUri) candidates = (await rt.jwks.keys(client.jwksUri, kid)).filter(fits);
  for (const key of candidates.slice(0, MAX_CANDIDATES)) {
    try {
      await compactVerify(assertion, await importJWK(key.jwk as JWK, key.alg), { algorithms: [key.alg] });
      return;
    } catch {
      // another candidate may verify it
    }
  }
  if (kid !== undefined && candidates.length)
    throw new InvalidClientAssertion('signature', 'the signature does not verify with the key of this kid and alg');
  throw unknownKid(kid);
}

/**
 * The answer when no key of the client verifies the assertion. It depends only on whether the
 * assertion names a `kid`: an unknown client, a disabled one, a known one without a key of this
 * `kid` and `alg`, and (without `kid`) a known one whose keys don't verify it answer alike.
 */
function unknownKid(kid: string | undefined): InvalidClientAssertion {
  return new InvalidClientAssertion(
    'unknown_kid',
    kid === undefined
      ? 'no key registered for this client verifies the assertion (name the key with kid)'
      : 'no key registered for this client has this kid and alg',
  );
}
