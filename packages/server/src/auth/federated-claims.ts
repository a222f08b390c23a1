/**
 * The claims of a platform token presented for a federated credential (issue #26; RFC 7523 §3 as
 * the credential configures it): `aud`, the lifetime, and the credential's exact-match claim
 * conditions. Each failure names the check, never a claim's value (docs/security.md L-105, L-106).
 * @packageDocumentation
 */
import type { AssertionFailure } from '../errors/oauth-error.js';

/** Longest dotted path followed into a token's claims, in keys. */
export const MAX_CLAIM_PATH_DEPTH = 8;

/** A platform token refused: the failed check (logged and audited) and a description without claim values. */
export class FederatedTokenRefused extends Error {
  constructor(
    readonly reason: AssertionFailure,
    readonly description: string,
  ) {
    super(`${reason}: ${description}`);
  }
}

/** What a platform token's claims are checked against. Times in seconds. */
export interface FederatedClaimRules {
  /** The `aud` the token must carry: the credential's, else this server's issuer identifier. */
  audience: string;
  /** The credential's claim conditions by dotted path. */
  claims: Readonly<Record<string, string | number | boolean>>;
  /** Tolerated clock skew, seconds (`GATEHOUSE_CLOCK_SKEW`). */
  clockSkew: number;
  /** Longest `exp − iat`, seconds (`GATEHOUSE_FEDERATED_MAX_LIFETIME`). */
  maxLifetime: number;
  /** Now, seconds since the epoch. */
  now: number;
}

/**
 * The value at a dotted `path` of `claims`. Keys may hold dots themselves: at each level the
 * longest own key that is the remaining path or a prefix of it followed by a dot is taken, so
 * `kubernetes.io.namespace` reads `claims["kubernetes.io"].namespace`. Arrays are never entered.
 * @returns undefined when the path leads nowhere or deeper than {@link MAX_CLAIM_PATH_DEPTH}.
 */
export function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  let node: unknown = claims;
  let rest = path;
  for (let depth = 0; depth < MAX_CLAIM_PATH_DEPTH; depth++) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    let best: string | undefined;
    for (const key of Object.keys(node))
      if ((rest === key || rest.startsWith(`${key}.`)) && (best === undefined || key.length > best.length)) best = key;
    if (best === undefined) return undefined;
    node = (node as Record<string, unknown>)[best];
    if (rest === best) return node;
    rest = rest.slice(best.length + 1);
  }
  return undefined;
}

/**
 * Checks `aud`, `exp`, `nbf`, `iat`, the lifetime and the claim conditions of a (not yet verified)
 * payload whose `iss` and `sub` found the credential.
 * @throws FederatedTokenRefused `audience`, `lifetime` or `claims` for the first failed check.
 */
export function checkFederatedClaims(payload: Readonly<Record<string, unknown>>, rules: FederatedClaimRules): void {
  const { audience, claims, clockSkew, maxLifetime, now } = rules;
  const aud = payload.aud;
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience))))
    throw new FederatedTokenRefused('audience', "aud must be or contain the credential's audience");
  const { exp, iat, nbf } = payload;
  const lifetime = (description: string) => new FederatedTokenRefused('lifetime', description);
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    throw lifetime('exp must be present, in seconds since the epoch');
  if (exp + clockSkew <= now) throw lifetime('the token has expired');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + clockSkew))
    throw lifetime('nbf is in the future beyond the allowed clock skew');
  if (iat !== undefined && (typeof iat !== 'number' || iat > now + clockSkew))
    throw lifetime('iat is in the future beyond the allowed clock skew');
  const start = typeof iat === 'number' ? iat : typeof nbf === 'number' ? nbf : now;
  if (exp - start > maxLifetime)
    throw lifetime(`exp - iat must be at most ${maxLifetime} seconds (GATEHOUSE_FEDERATED_MAX_LIFETIME)`);
  for (const [path, expected] of Object.entries(claims))
    if (claimAt(payload, path) !== expected)
      throw new FederatedTokenRefused('claims', `the claim ${JSON.stringify(path)} does not have the required value`);
}
