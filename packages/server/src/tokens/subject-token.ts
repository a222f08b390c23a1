/**
 * Subject and actor tokens of a token exchange (RFC 8693 §2.1): a Gatehouse access token of the
 * same environment (active: signed by one of our keys, unexpired, issued here, not revoked, its
 * holder and subject still enabled), or a tenant-signed customer token verified exactly as the
 * Environment API verifies it ({@link CustomerTokens}). Anything else is `invalid_grant`
 * (docs/security.md M-113).
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import type { ActClaim } from '@gatehouse/contracts';
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { InvalidGrant } from '../errors/oauth-error.js';
import { InvalidToken } from '../errors/api-error.js';
import { DomainError } from '../errors/domain-errors.js';
import type { KeyRing } from '../keys/key-ring.js';
import { SIGNING_ALG } from '../keys/signing-keys.js';
import type { Directory } from '../cache/directory.js';
import { decodeStrict, type DecodedJws } from '../auth/jwt-structure.js';
import { MAX_TOKEN_LENGTH } from '../auth/deps.js';
import { customerScopes, effectiveScopes, isLiveIn } from '../auth/policy.js';
import type { ApiRecord, EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import { repositories } from '../store/unit-of-work.js';
import { ACCESS_TOKEN_TYP } from './access-token.js';
import type { CustomerTokens } from './customer-token-verifier.js';
import type { RevocationList } from './revocation-list.js';

/** Deepest `act` nesting accepted in a subject token (each exchange adds one level). */
export const MAX_ACT_DEPTH = 5;

/** A verified subject (or actor) token. Times in seconds. */
export interface SubjectToken {
  /** The subject's `sub`: a customer id or an integration's client_id. */
  sub: string;
  subjectType: 'integration' | 'customer';
  /** The subject's integration id or customer id. */
  subjectRef: string;
  /** The token's `jti` when Gatehouse issued it (the parent of the exchanged token); null for a customer token. */
  jti: string | null;
  /** The integration holding the token (its `client_id`); undefined for a customer token. */
  holderClientId: string | undefined;
  /** The subject token's own `act` (RFC 8693 §4.1), nested into the exchanged token's. */
  act: ActClaim | undefined;
  /** `may_act.sub` (RFC 8693 §4.4): the only client that may exchange it; undefined: any. */
  mayAct: string | undefined;
  /** A DPoP-bound Gatehouse token (`cnf.jkt`): only its holder may exchange it. */
  bound: boolean;
  exp: number;
  /** SHA-256 of the token text, base64url (the reuse key of its exchanges). */
  digest: string;
  /**
   * The scopes the subject holds on `api` now: a Gatehouse token's scopes still granted on its
   * own audience (none on another: a token is never turned into one for an API it was not for), a
   * customer's content scopes on the Environment API; undefined when the subject sets no limit
   * there (a customer token on a tenant API: the exchanging client's grants bound the token).
   */
  scopesOn(api: ApiRecord): ReadonlySet<string> | undefined;
}

/** Verifies subject and actor tokens for the token-exchange grant. */
export class SubjectTokens {
  constructor(
    private readonly ctx: Context,
    private readonly keys: KeyRing,
    private readonly directory: Directory,
    private readonly revocations: RevocationList,
    private readonly customers: CustomerTokens,
  ) {}

  /**
   * The subject behind `token` of RFC 8693 type `kind` in environment `env`.
   * @throws InvalidGrant (400) for a token that is malformed, of another environment or issuer,
   *   badly signed, expired, revoked, or whose integration or subject is gone or disabled; the
   *   description says which check failed, never a claim's value.
   */
  async verify(token: string, kind: 'access_token' | 'jwt', env: EnvironmentRecord): Promise<SubjectToken> {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidGrant('the token is too long');
    let decoded: DecodedJws;
    try {
      decoded = decodeStrict(token);
    } catch {
      throw new InvalidGrant('the token is malformed');
    }
    const digest = createHash('sha256').update(token).digest('base64url');
    if (decoded.payload.iss === this.ctx.config.issuer) return this.accessToken(token, decoded, env, digest);
    if (kind === 'access_token') throw new InvalidGrant('the token was not issued by this server');
    return this.customerToken(token, decoded, env, digest);
  }

  private async accessToken(
    token: string,
    { header, payload }: DecodedJws,
    env: EnvironmentRecord,
    digest: string,
  ): Promise<SubjectToken> {
    if (header.alg !== SIGNING_ALG || typeof header.kid !== 'string' || header.kid.length > 128)
      throw new InvalidGrant('the token is not signed by a key of this server');
    const key = this.keys.verificationKey(header.kid);
    if (!key) throw new InvalidGrant('the token is not signed by a key of this server');
    try {
      await jwtVerify(token, key.publicKey, {
        algorithms: [SIGNING_ALG],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.ctx.config.issuer,
        currentDate: new Date(this.ctx.clock.now()),
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'scope', 'environment', 'aud'],
      });
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new InvalidGrant('the token expired');
      if (err instanceof joseErrors.JOSEError) throw new InvalidGrant('the token is not valid');
      throw err;
    }
    const { exp, jti, sub, client_id: holder, scope, environment, aud, act, subject_type } = payload;
    if (
      typeof exp !== 'number' ||
      typeof jti !== 'string' ||
      typeof sub !== 'string' ||
      typeof holder !== 'string' ||
      typeof scope !== 'string' ||
      typeof aud !== 'string'
    )
      throw new InvalidGrant('the token is not valid');
    if (environment !== env.slug) throw new InvalidGrant('the token belongs to another environment');
    if (this.revocations.has(jti)) throw new InvalidGrant('the token was revoked');
    const row = await repositories(this.ctx.store).tokens.state(jti);
    if (!row || row.revoked_at !== null) throw new InvalidGrant('the token is not active');
    const holderClient = await this.liveClient(holder, env);
    const exchanged = act !== undefined;
    if (exchanged && actDepth(act) === undefined) throw new InvalidGrant('the token has a malformed or too deep act');
    const subjectType = exchanged ? subject_type : 'integration';
    if (subjectType !== 'integration' && subjectType !== 'customer') throw new InvalidGrant('the token is not valid');
    if (!exchanged && sub !== holder) throw new InvalidGrant('the token is not valid');
    const subjectClient = subjectType === 'integration' ? await this.liveClient(sub, env) : undefined;
    const tokenScopes = scope.split(' ');
    return {
      sub,
      subjectType,
      subjectRef: subjectClient ? subjectClient.id : sub,
      jti,
      holderClientId: holder,
      act: act as ActClaim | undefined,
      mayAct: mayActOf(payload.may_act),
      bound: payload.cnf !== undefined,
      exp,
      digest,
      scopesOn: (api) => {
        if (api.audience !== aud) return new Set<string>();
        // What the token carries and its holder (and, exchanged, its subject) still hold.
        let held: Set<string> = effectiveScopes(tokenScopes, holderClient, api);
        if (subjectClient && subjectClient !== holderClient) held = effectiveScopes(held, subjectClient, api);
        if (subjectType === 'customer' && api.builtIn) {
          const current = new Set(env.customerScopes);
          held = new Set([...customerScopes(held)].filter((s) => current.has(s)));
        }
        return held;
      },
    };
  }

  private async customerToken(
    token: string,
    decoded: DecodedJws,
    env: EnvironmentRecord,
    digest: string,
  ): Promise<SubjectToken> {
    let principal;
    try {
      principal = await this.customers.verify(token, decoded, nowSeconds(this.ctx.clock));
    } catch (err) {
      if (err instanceof InvalidToken || err instanceof DomainError) throw new InvalidGrant(err.message);
      throw err;
    }
    if (!principal || principal.environmentId !== env.id)
      throw new InvalidGrant('the token belongs to another environment');
    if (principal.type !== 'customer')
      throw new InvalidGrant('only customer tokens may be exchanged, not admin tokens');
    return {
      sub: principal.customerId,
      subjectType: 'customer',
      subjectRef: principal.customerId,
      jti: null,
      holderClientId: undefined,
      act: undefined,
      mayAct: mayActOf(decoded.payload.may_act),
      bound: false,
      exp: principal.exp,
      digest,
      scopesOn: (api) => (api.builtIn ? customerScopes(env.customerScopes) : undefined),
    };
  }

  /** The enabled integration `clientId` of `env`. @throws InvalidGrant otherwise. */
  private async liveClient(clientId: string, env: EnvironmentRecord): Promise<ClientRecord> {
    const client = await this.directory.client(clientId);
    if (!isLiveIn(client, env)) throw new InvalidGrant('the integration of the token is gone or disabled');
    return client;
  }
}

/**
 * `may_act.sub` of a token (RFC 8693 §4.4), undefined when absent.
 * @throws InvalidGrant for a `may_act` that is not an object with a string `sub`.
 */
function mayActOf(mayAct: unknown): string | undefined {
  if (mayAct === undefined) return undefined;
  const sub = (mayAct as { sub?: unknown } | null)?.sub;
  if (typeof mayAct !== 'object' || typeof sub !== 'string') throw new InvalidGrant('may_act is malformed');
  return sub;
}

/** The nesting depth of an `act` claim, or undefined when malformed or deeper than {@link MAX_ACT_DEPTH}. */
export function actDepth(act: unknown): number | undefined {
  let depth = 0;
  let cur = act;
  while (cur !== undefined) {
    if (typeof cur !== 'object' || cur === null || typeof (cur as { sub?: unknown }).sub !== 'string') return undefined;
    if (++depth > MAX_ACT_DEPTH) return undefined;
    cur = (cur as { act?: unknown }).act;
  }
  return depth;
}
