/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, RFC 7521 §4.2, RFC 8725): the
 * client signs a short-lived JWT with a key it registered. Checks, all failing as 401
 * `invalid_client` with nothing persisted (docs/security.md I-85): the structure is plain (no embedded
 * `jwk`, `jku`, `x5u`, `x5c`, `crit`); `alg` is the registered key's own (asymmetric only); the
 * signature; `iss` = `sub` = client_id; `aud` names the issuer or the token endpoint; `exp` present
 * and at most {@link MAX_ASSERTION_LIFETIME} ahead; `jti` present and used once by every node
 * (auth/replay.ts). Presented together with a secret or an Authorization header: 400 (I-86).
 * @packageDocumentation
 */
import { importJWK, jwtVerify, type JWK } from 'jose';
import { nowSeconds } from '../clock.js';
import { InvalidClient, InvalidRequest } from '../errors/oauth-error.js';
import type { AuthRuntime } from './deps.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientKeyRecord, ClientRecord } from '../store/repositories/integrations.js';
import { decodeStrict, type DecodedJws } from './jwt-structure.js';
import { ASYMMETRIC_ALGS } from './client-key.js';
import { useJtiOnce } from './replay.js';

/** `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Longest accepted `client_assertion`, characters (checked before any lookup). */
export const MAX_ASSERTION_LENGTH = 8000;
/** How far ahead `exp` may be, seconds (plus the configured skew). */
export const MAX_ASSERTION_LIFETIME = 300;
/** Most keys tried for one assertion. */
const MAX_CANDIDATES = 5;

/** A client assertion as read from the request body, before any verification. */
export interface AssertionCredentials {
  method: 'private_key_jwt';
  /** The body's `client_id`, else the assertion's unverified `sub`: what the throttle counts against. */
  clientId: string;
  assertion: string;
}

/**
 * Reads `client_assertion_type` and `client_assertion` (RFC 7521 §4.2).
 * @throws InvalidRequest beside a secret or an Authorization header (one method only, I-86), for
 *   another assertion type, or a missing or over-long assertion; InvalidClient when it names no
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
  const clientId = params.client_id || unverifiedSubject(assertion);
  if (!clientId) throw new InvalidClient(false);
  return { method: 'private_key_jwt', clientId, assertion };
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
 * The client and environment a valid assertion authenticates.
 * @throws InvalidClient (no Basic challenge) for any failure; store errors (503).
 */
export async function authenticateClientAssertion(
  rt: AuthRuntime,
  creds: AssertionCredentials,
): Promise<{ client: ClientRecord; env: EnvironmentRecord }> {
  const client = await rt.directory.client(creds.clientId);
  const env = client && (await rt.directory.environment('id', client.environmentId));
  if (!client || !env || !client.enabled || !(await verifyAssertion(rt, client, creds.assertion)))
    throw new InvalidClient(false);
  return { client, env };
}

async function verifyAssertion(rt: AuthRuntime, client: ClientRecord, assertion: string): Promise<boolean> {
  let decoded: DecodedJws;
  try {
    decoded = decodeStrict(assertion);
  } catch {
    return false;
  }
  const { alg, kid } = decoded.header;
  if (!(ASYMMETRIC_ALGS as readonly unknown[]).includes(alg) || (kid !== undefined && typeof kid !== 'string'))
    return false;
  const fits = (k: ClientKeyRecord) => k.alg === alg && (kid === undefined || k.kid === kid);
  let candidates = client.keys.filter(fits);
  if (!candidates.length && client.jwksUri) candidates = (await rt.jwks.keys(client.jwksUri, kid)).filter(fits);
  const now = nowSeconds(rt.ctx.clock);
  const { issuer, clockSkew } = rt.ctx.config;
  let payload: Record<string, unknown> | undefined;
  for (const key of candidates.slice(0, MAX_CANDIDATES)) {
    try {
      ({ payload } = await jwtVerify(assertion, await importJWK(key.jwk as JWK, key.alg), {
        algorithms: [key.alg],
        issuer: client.clientId,
        subject: client.clientId,
        audience: [issuer, `${issuer}/oauth/token`],
        clockTolerance: clockSkew,
        currentDate: new Date(rt.ctx.clock.now()),
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
      }));
      break;
    } catch {
      // another candidate may verify it
    }
  }
  if (!payload) return false;
  const { exp, jti } = payload;
  if (typeof exp !== 'number' || exp > now + MAX_ASSERTION_LIFETIME + clockSkew) return false;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) return false;
  return useJtiOnce(rt.ctx.store, 'client_assertion', client.clientId, jti, exp + clockSkew, now);
}
