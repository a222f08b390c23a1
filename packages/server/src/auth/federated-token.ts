/**
 * A platform token presented for a federated credential (issue #26): a Kubernetes service-account
 * token, a GitHub Actions OIDC token, a SPIFFE JWT-SVID… as client authentication (RFC 7523 §2.2)
 * or as the JWT bearer grant (RFC 7523 §2.1). Checks, in order, each failing with a
 * {@link FederatedTokenRefused} naming it (never a claim's value): a plain compact JWS (`malformed`),
 * an asymmetric `alg` (`algorithm`), a credential trusting its (`iss`, `sub`) held by an enabled
 * integration (`issuer_subject`: an issuer no credential names is never contacted), `aud`, the
 * lifetime and the claim conditions (auth/federated-claims.ts), then the signature by a key of the
 * issuer's JWKS (`issuer_keys`, `unknown_kid`, `signature`). `jti` is not single-use: platforms
 * hand the same token out for most of its life (docs/security.md L-110).
 * @packageDocumentation
 */
import { compactVerify, importJWK, type JWK } from 'jose';
import { nowSeconds } from '../clock.js';
import type { Context } from '../context.js';
import type { Directory } from '../cache/directory.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import type { HeldFederatedCredential } from '../store/repositories/federated-credentials.js';
import { decodeStrict, type DecodedJws } from './jwt-structure.js';
import { ASYMMETRIC_ALGS } from './client-key.js';
import { checkFederatedClaims, FederatedTokenRefused } from './federated-claims.js';
import type { IssuerKeys } from './issuer-discovery.js';

export { FederatedTokenRefused } from './federated-claims.js';

/** Most keys tried for one token. */
const MAX_CANDIDATES = 5;
/** Longest `kid` looked up, characters. */
const MAX_KID_LENGTH = 128;

/** What verifying a platform token needs of the runtime. */
export interface FederationRuntime {
  readonly ctx: Context;
  readonly directory: Directory;
  readonly issuerKeys: IssuerKeys;
}

/**
 * The unverified `iss` and `sub` of a compact JWT when both are non-empty strings and `iss` ≠
 * `sub` (a `private_key_jwt` assertion has them equal); undefined otherwise. Looks at nothing else.
 */
export function platformIssuerSubject(token: string): { iss: string; sub: string } | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss?: unknown;
      sub?: unknown;
    };
    const { iss, sub } = payload;
    return typeof iss === 'string' && typeof sub === 'string' && iss && sub && iss !== sub ? { iss, sub } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The integration and environment a platform token authenticates. `credential` is the one its
 * (`iss`, `sub`) found (undefined: none); `clientId` the `client_id` the request named, if any.
 * @throws FederatedTokenRefused naming the failed check; store errors (503).
 */
export async function verifyPlatformToken(
  rt: FederationRuntime,
  token: string,
  credential: HeldFederatedCredential | undefined,
  clientId?: string,
): Promise<{ client: ClientRecord; env: EnvironmentRecord }> {
  let decoded: DecodedJws;
  try {
    decoded = decodeStrict(token);
  } catch {
    throw new FederatedTokenRefused(
      'malformed',
      'not a compact JWS with a plain header (jwk, jku, x5u, x5c and crit are refused)',
    );
  }
  const { alg, kid } = decoded.header;
  if (!(ASYMMETRIC_ALGS as readonly unknown[]).includes(alg))
    throw new FederatedTokenRefused('algorithm', `alg must be one of ${ASYMMETRIC_ALGS.join(', ')}`);
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH))
    throw new FederatedTokenRefused('unknown_kid', `kid must be a string of 1 to ${MAX_KID_LENGTH} characters`);
  const { iss, sub } = decoded.payload;
  const untrusted = new FederatedTokenRefused('issuer_subject', 'no federated credential trusts this iss and sub');
  if (!credential || iss !== credential.issuer || sub !== credential.subject) throw untrusted;
  if (clientId !== undefined && clientId !== credential.clientId) throw untrusted;
  const { config } = rt.ctx;
  checkFederatedClaims(decoded.payload, {
    audience: credential.audience ?? config.issuer,
    claims: credential.claims,
    clockSkew: config.clockSkew,
    maxLifetime: config.federatedMaxLifetime,
    now: nowSeconds(rt.ctx.clock),
  });
  const client = await rt.directory.client(credential.clientId);
  const env = client && (await rt.directory.environment('id', client.environmentId));
  if (!client || !env || !client.enabled) throw untrusted;
  await verifySignature(rt, credential, token, alg as string, kid as string | undefined);
  return { client, env };
}

/**
 * Verifies the signature with the issuer's key of the token's `alg` (and `kid`, when it names one).
 * @throws FederatedTokenRefused `issuer_keys` (no JWKS could be had), `signature` (the key its `kid`
 *   names doesn't verify it), `unknown_kid` (no key fits, or none verifies a token without `kid`).
 */
async function verifySignature(
  rt: FederationRuntime,
  credential: HeldFederatedCredential,
  token: string,
  alg: string,
  kid: string | undefined,
): Promise<void> {
  const keys = await rt.issuerKeys.keys(credential.issuer, credential.jwksUri, kid);
  if (!keys) throw new FederatedTokenRefused('issuer_keys', "the issuer's discovery document could not be used");
  const candidates = keys.filter((k) => k.alg === alg && (kid === undefined || k.kid === kid));
  for (const key of candidates.slice(0, MAX_CANDIDATES)) {
    try {
      await compactVerify(token, await importJWK(key.jwk as JWK, key.alg), { algorithms: [key.alg] });
      return;
    } catch {
      // another candidate may verify it
    }
  }
  if (kid !== undefined && candidates.length)
    throw new FederatedTokenRefused('signature', 'the signature does not verify with the key of this kid and alg');
  throw new FederatedTokenRefused('unknown_kid', "no key of the issuer's JWKS has this kid and alg");
}
